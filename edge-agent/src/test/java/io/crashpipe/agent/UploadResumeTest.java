package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed upload starts after the checkpoint's last acknowledged chunk and a repeated one of a
 * sealed dump reads nothing: counted in pages read through the dump, against a stand-in gateway
 * (plain HTTP) that acknowledges every event or refuses one chunk for good.
 */
class UploadResumeTest {
    private static final Pattern CHUNK = Pattern.compile("/v1/dumps/[0-9a-f]+/chunks/(\\d+)");

    private HttpServer server;
    private volatile int refuse = -1;
    private final List<Integer> chunksReceived = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopGateway() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        x.getRequestBody().readAllBytes();
        requests.add(x.getRequestMethod() + " " + path);
        Matcher m = CHUNK.matcher(path);
        int status = 200;
        String body = "{\"acknowledged\":true}";
        if (x.getRequestMethod().equals("GET") && path.endsWith("/chunks")) {
            body = "{\"present\":[]}";
        } else if (m.matches()) {
            int seq = Integer.parseInt(m.group(1));
            if (seq == refuse) {
                status = 400;
                body = "refused for the test";
            } else {
                chunksReceived.add(seq);
            }
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private UploadOptions options(Path state) {
        URI gw = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return UploadOptions.defaults(gw, "test-token", state).withMaxAttempts(1).withConcurrency(1).withHotPagesFirst(false);
    }

    /** Opens the dump as the agent does, counting the pages read through it. */
    private static Uploader.DumpOpener counting(AtomicLong reads) {
        return file -> {
            Dump d = ReadAheadSource.open(file);
            return (Dump) java.lang.reflect.Proxy.newProxyInstance(Dump.class.getClassLoader(), new Class<?>[] {Dump.class},
                    (proxy, m, args) -> {
                        if (m.getName().equals("readPage")) {
                            reads.incrementAndGet();
                        }
                        try {
                            return m.invoke(d, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
    }

    @Test
    void aFreshUploadAsksWhatKafkaHasBeforeItSendsItsMetadata(@TempDir Path state) throws Exception {
        // the gateway reads a dump's pages back only when its metadata is in Kafka already
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        new Uploader(options(state), ReadAheadSource::open).upload(FoundDump.single(file), Progress.NONE);
        String id = DumpId.of(file);
        int asked = requests.indexOf("GET /v1/dumps/" + id + "/chunks");
        int metadata = requests.indexOf("PUT /v1/dumps/" + id + "/metadata");
        assertTrue(asked >= 0 && metadata > asked, requests.subList(0, Math.min(4, requests.size())).toString());
    }

    @Test
    void aResumedUploadReadsOnlyThePagesAfterItsCheckpointAndARepeatedOneReadsNone(@TempDir Path state) throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        FoundDump dump = FoundDump.single(file);

        // the whole upload once, elsewhere: how many pages a full walk reads
        AtomicLong fullReads = new AtomicLong();
        UploadResult full = new Uploader(options(state.resolve("reference")), counting(fullReads)).upload(dump, Progress.NONE);
        int chunks = full.sealed().getChunkCount();
        assertTrue(chunks > 20, chunks + " chunks");
        chunksReceived.clear();

        // a first run stopped for good at chunk 20 (one chunk in flight: 0..19 are acknowledged)
        refuse = 20;
        AtomicLong firstReads = new AtomicLong();
        assertThrows(IOException.class, () -> new Uploader(options(state), counting(firstReads)).upload(dump, Progress.NONE));
        Checkpoint ckpt = Checkpoint.open(state, DumpId.of(file));
        SplitCursor resume = ckpt.resumeCursor();
        assertEquals(20, resume.nextSequence(), "the cursor ends the acknowledged prefix");

        // the resumed run: reads exactly the pages after the cursor and sends chunks 20.. once each
        refuse = -1;
        chunksReceived.clear();
        AtomicLong resumedReads = new AtomicLong();
        UploadResult resumed = new Uploader(options(state), counting(resumedReads)).upload(dump, Progress.NONE);
        assertEquals(full.sealed(), resumed.sealed(), "the same seal as an upload in one go");
        long before = resume.pages() + resume.zeros() + resume.unreadable();
        assertEquals(fullReads.get() - before, resumedReads.get(), "pages read by the resumed run");
        assertEquals(java.util.stream.IntStream.range(20, chunks).boxed().toList(), chunksReceived.stream().sorted().toList());

        // a repeated upload of the sealed dump: nothing read, nothing sent
        requests.clear();
        AtomicLong repeatReads = new AtomicLong();
        UploadResult again = new Uploader(options(state), counting(repeatReads)).upload(dump, Progress.NONE);
        assertEquals(0, repeatReads.get(), "pages read by a repeated upload");
        assertEquals(0, again.chunksSent());
        assertEquals(full.sealed(), again.sealed());
        assertTrue(requests.stream().noneMatch(r -> r.contains("/chunks/") || r.endsWith("/seal")), requests.toString());
    }
}
