package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.PageChunk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probes of issue 15 against a real gateway (its own JVM, 512 MiB heap, {@link FloodTarget})
 * publishing to a real KRaft broker through the embedded registry: a large Content-Length without a
 * token, 2 GiB strings declared in 15-byte Avro bodies, chunk numbers at 999999999 over many dump
 * ids, slow-loris connections beyond the connection cap. The gateway's heap after GC must come back
 * to its baseline, and every probe must be refused or closed for the right, counted reason.
 */
class GatewayFloodIT {
    static {
        io.crashpipe.schemas.EventTypes.trust();
    }

    static final String TOKEN = "flood-token";
    static IngestKafka broker;
    static Process gateway;
    static BufferedReader gatewayOut;
    static PrintWriter gatewayIn;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        broker = IngestKafka.start();
        String java = ProcessHandle.current().info().command().orElse("java");
        gateway = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.crashpipe.schemas.events",
                "-cp", System.getProperty("java.class.path"), FloodTarget.class.getName(),
                broker.bootstrap(), broker.registry.uri().toString(), GatewayConfig.sha256Hex(TOKEN))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        gatewayOut = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        gatewayIn = new PrintWriter(gateway.getOutputStream(), true, StandardCharsets.UTF_8);
        port = Integer.parseInt(answer("port", null));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gatewayIn.println("stop");
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Sends {@code command} (unless null) to the gateway process and returns the rest of its line starting {@code key}. */
    static String answer(String key, String command) throws IOException {
        if (command != null) {
            gatewayIn.println(command);
        }
        for (String line; (line = gatewayOut.readLine()) != null; ) {
            if (line.startsWith(key + " ")) {
                return line.substring(key.length() + 1);
            }
        }
        throw new IOException("the gateway process ended before saying " + key);
    }

    static long heap() throws IOException {
        return Long.parseLong(answer("heap", "heap"));
    }

    static Map<String, Long> counts() throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String kv : answer("counts", "counts").split(" ")) {
            String[] p = kv.split("=");
            m.put(p[0], Long.parseLong(p[1]));
        }
        return m;
    }

    /** One request on its own connection; the status code, or -1 when the gateway closed without answering. */
    static int exchange(String head, byte[] body) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException closedWhileSending) {
                // a refused body: the gateway answered and closed before taking it all
            }
            return status(s.getInputStream());
        } catch (IOException e) {
            return -1;
        }
    }

    static int status(InputStream in) throws IOException {
        byte[] line = new byte[12];
        int n = in.readNBytes(line, 0, 12);
        return n < 12 ? -1 : Integer.parseInt(new String(line, 9, 3, StandardCharsets.ISO_8859_1));
    }

    static String put(String path, int length, boolean token) {
        return "PUT " + path + " HTTP/1.1\r\nHost: g\r\nConnection: close\r\nContent-Length: " + length + "\r\n"
                + (token ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "\r\n";
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    static String dumpId(int i) {
        return String.format("%032x", 0xf100d000L + i);
    }

    /** Runs {@code n} probes on {@code threads} client threads; the status codes, by count. */
    static Map<Integer, Integer> flood(int n, int threads, java.util.function.IntFunction<Integer> probe) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> probe.apply(k)));
            }
            Map<Integer, Integer> tally = new HashMap<>();
            for (Future<Integer> f : fs) {
                tally.merge(f.get(120, TimeUnit.SECONDS), 1, Integer::sum);
            }
            return tally;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void afterTheIssuesProbesTheGatewaysHeapReturnsToItsBaseline() throws Exception {
        // Warm-up: one real dump's metadata and chunk published, so classes and the producer are in place.
        byte[] warm = encoded(DumpMetadata.newBuilder(Events.metadata()).setDumpId(dumpId(0)).build());
        assertEquals(200, exchange(put("/v1/dumps/" + dumpId(0) + "/metadata", warm.length, true), warm));
        byte[] c0 = encoded(PageChunk.newBuilder(Events.chunk(0, 0x100, 1, (byte) 1)).setDumpId(dumpId(0)).build());
        assertEquals(200, exchange(put("/v1/dumps/" + dumpId(0) + "/chunks/0", c0.length, true), c0));
        long baseline = heap();

        byte[] mib = new byte[1 << 20];
        // 1. a health check declaring a 1 GiB body, without a token, 1 MiB of it sent: 413 before a byte is read
        Map<Integer, Integer> unexpected = flood(300, 16, i -> exchange(
                "GET /healthz HTTP/1.1\r\nHost: g\r\nContent-Length: 1073741824\r\n\r\n", mib));
        // 2. uploads without a token declaring 2 MiB each: 401
        Map<Integer, Integer> unauthorized = flood(300, 16, i -> exchange(
                put("/v1/dumps/" + dumpId(1) + "/chunks/" + i, 2 << 20, false), mib));
        // 3. 15-byte bodies declaring a 2 GiB dumpId string: 400 without allocating it
        byte[] header = bytes(Events.metadata().toByteBuffer());
        byte[] tiny = new byte[15];
        System.arraycopy(header, 0, tiny, 0, 10);
        System.arraycopy(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, 0, tiny, 10, 5);
        Map<Integer, Integer> hugeStrings = flood(500, 16, i -> exchange(
                put("/v1/dumps/" + dumpId(2) + "/metadata", 15, true), tiny));
        // 4. chunk 999999999 of 200 announced dumps: 400 (beyond the dump's page count), the ledger stays small
        Map<Integer, Integer> hugeSeq = flood(200, 8, i -> {
            String id = dumpId(100 + i);
            byte[] m = encoded(DumpMetadata.newBuilder(Events.metadata()).setDumpId(id).build());
            int ok = exchange(put("/v1/dumps/" + id + "/metadata", m.length, true), m);
            byte[] c = encoded(PageChunk.newBuilder(Events.chunk(999_999_999, 0x100, 1, (byte) 1)).setDumpId(id).build());
            return ok * 1000 + exchange(put("/v1/dumps/" + id + "/chunks/999999999", c.length, true), c);
        });
        // 5. slow-loris: 300 connections trickling header bytes, beyond the cap of 256
        List<Socket> loris = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            loris.add(s);
        }
        long trickleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (System.nanoTime() < trickleUntil) {
            for (Socket s : loris) {
                try {
                    s.getOutputStream().write('s');
                } catch (IOException closed) {
                    // closed by the cap or the header deadline
                }
            }
            Thread.sleep(200);
        }
        int closed = 0;
        for (Socket s : loris) {
            s.setSoTimeout(5_000);
            try {
                if (s.getInputStream().read() == -1) {
                    closed++;
                }
            } catch (IOException reset) {
                closed++;
            }
            s.close();
        }
        Thread.sleep(500);
        long after = heap();
        Map<String, Long> n = counts();
        System.out.printf("gateway flood: heap %d MiB before, %d MiB after (GC); probes %s %s %s %s; slow-loris closed %d/300;"
                + " counts %s%n", baseline >> 20, after >> 20, unexpected, unauthorized, hugeStrings, hugeSeq, closed, n);

        assertEquals(Map.of(413, 300), unexpected);
        assertEquals(Map.of(401, 300), unauthorized);
        assertEquals(Map.of(400, 500), hugeStrings);
        assertEquals(Map.of(200_400, 200), hugeSeq, "metadata accepted, chunk 999999999 refused");
        assertEquals(300, closed, "every slow-loris connection was closed");
        assertEquals(300 - 256, n.get("too_many_connections"), "those beyond the cap at once");
        assertTrue(n.get("timeout_header") >= 256, "the rest at the header deadline: " + n);
        assertEquals(0, n.get("malformed"), "a connection closed at a deadline is not also a malformed request: " + n);
        assertEquals(0, n.get("exceptions"), n.toString());
        assertTrue(after - baseline < 32L << 20, "heap " + (baseline >> 20) + " MiB before the flood, " + (after >> 20)
                + " MiB after");
    }

    /**
     * Java's HTTP client opens every cleartext connection by asking to upgrade to h2c on whatever
     * request comes first; after a reconnect that is an agent's 1 MiB chunk. Netty's upgrade
     * handler answered it 413 with an empty body (hundreds of retries in a 200-dump storm).
     */
    @Test
    void aLargeRequestAskingToUpgradeReachesTheGateInsteadOfAnEmpty413() throws Exception {
        String upgrade = "Upgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA\r\n";
        String chunk = "/v1/dumps/" + dumpId(901) + "/chunks/0";
        String noToken = "PUT " + chunk + " HTTP/1.1\r\nHost: g\r\nConnection: Upgrade, HTTP2-Settings\r\n" + upgrade
                + "Content-Length: " + (1 << 20) + "\r\n\r\n";
        assertEquals(401, exchange(noToken, new byte[1 << 20]), "the gate checks the token of a large upgrading request");
        String withToken = noToken.replace("\r\n\r\n", "\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
        assertEquals(400, exchange(withToken, new byte[1 << 20]), "a 1 MiB body of zeros reaches the event checks");
        String health = "GET /healthz HTTP/1.1\r\nHost: g\r\nConnection: Upgrade, HTTP2-Settings\r\n" + upgrade + "\r\n";
        assertEquals(101, exchange(health, new byte[0]), "a request without a body is still upgraded to HTTP/2");
    }

    /**
     * A registry that was down when the gateway started and then answers only after 6 s: the first
     * metadata waits for it, off the event loop, while health checks on new connections (on every
     * event loop) are answered at once.
     */
    @Test
    void aSlowRegistryNeverStallsTheEventLoops() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer stub = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.setExecutor(Executors.newCachedThreadPool());
        stub.createContext("/", x -> {
            asked.incrementAndGet();
            x.getRequestBody().readAllBytes();
            byte[] reply;
            int status;
            if (down.get()) {
                status = 503;
                reply = "{\"error_code\":50301,\"message\":\"down\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                try {
                    Thread.sleep(6_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
                reply = ("{\"id\":" + (7 + Math.abs(x.getRequestURI().getPath().hashCode() % 1000)) + "}").getBytes(StandardCharsets.UTF_8);
            }
            x.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            x.sendResponseHeaders(status, reply.length);
            x.getResponseBody().write(reply);
            x.close();
        });
        stub.start();
        GatewayConfig config = GatewayConfig.local(new InetSocketAddress("127.0.0.1", 0), broker.bootstrap(),
                java.net.URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/"),
                java.util.Set.of(GatewayConfig.sha256Hex(TOKEN)));
        try (Gateway g = Gateway.start(config)) {
            assertTrue(asked.get() > 0, "schemas are registered at start (here: tried, the registry was down)");
            down.set(false);
            int saved = port;
            port = g.address().getPort();
            try {
                byte[] m = encoded(DumpMetadata.newBuilder(Events.metadata()).setDumpId(dumpId(900)).build());
                ExecutorService one = Executors.newSingleThreadExecutor();
                long started = System.nanoTime();
                Future<Integer> upload = one.submit(() -> exchange(put("/v1/dumps/" + dumpId(900) + "/metadata", m.length, true), m));
                Thread.sleep(500);
                List<Long> healthMillis = new ArrayList<>();
                for (int i = 0; i < 4; i++) { // new connections go round the event loops
                    long t = System.nanoTime();
                    assertEquals(200, exchange("GET /healthz HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n", new byte[0]));
                    healthMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
                }
                assertTrue(!upload.isDone(), "the metadata is still waiting for the registry");
                assertEquals(200, upload.get(60, TimeUnit.SECONDS));
                long uploadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                one.shutdown();
                System.out.printf("slow registry: metadata answered in %d ms, health checks meanwhile in %s ms%n",
                        uploadMillis, healthMillis);
                assertTrue(uploadMillis >= 6_000, "the metadata waited for the registry: " + uploadMillis + " ms");
                for (long h : healthMillis) {
                    assertTrue(h < 3_000, "a health check waited " + h + " ms behind the registry");
                }
            } finally {
                port = saved;
            }
        } finally {
            stub.stop(0);
        }
    }

    /** The event's single-object encoding, as the agent sends it. */
    static byte[] encoded(org.apache.avro.specific.SpecificRecordBase event) {
        try {
            return switch (event) {
                case DumpMetadata m -> bytes(m.toByteBuffer());
                case PageChunk c -> bytes(c.toByteBuffer());
                default -> throw new IllegalArgumentException(event.getSchema().getName());
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
