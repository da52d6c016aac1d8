package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's retry policy against a real HTTP server that answers from a script. */
class GatewayClientTest {
    @TempDir
    Path state;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    /** Answers {@code busy} requests with {@code status} (and Retry-After: 0 when asked), then 200. */
    private GatewayClient client(int busy, int status, boolean retryAfter) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            int n = requests.incrementAndGet();
            byte[] body = (n <= busy ? "busy" : "ok").getBytes(StandardCharsets.UTF_8);
            if (n <= busy && retryAfter) {
                ex.getResponseHeaders().add("Retry-After", "0");
            }
            ex.sendResponseHeaders(n <= busy ? status : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        UploadOptions o = UploadOptions.defaults(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "t", state)
                .withMaxAttempts(3);
        o = new UploadOptions(o.gateway(), o.token(), o.stateDir(), o.concurrency(), o.bytesPerSecond(), o.maxAttempts(),
                Duration.ofMillis(1), Duration.ofMillis(5), o.agentVersion(), o.hotPagesFirst(), o.host());
        return new GatewayClient(o);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aGatewayAskingToComeBackLaterIsWaitedForWithoutUsingAttempts() throws Exception {
        GatewayClient c = client(10, 503, true);
        assertEquals("ok", c.send("PUT", "/v1/x", List.of(ByteBuffer.wrap(new byte[] {1, 2, 3}))));
        assertEquals(11, requests.get(), "ten waits and the answer, with 3 attempts allowed");
    }

    @Test
    void failuresWithoutRetryAfterUseTheAttemptsAndThenGiveUp() throws Exception {
        GatewayClient c = client(10, 503, false);
        IOException e = assertThrows(IOException.class, () -> c.send("PUT", "/v1/x", List.of(ByteBuffer.wrap(new byte[] {1}))));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertEquals(3, requests.get());
    }

    @Test
    void aClientErrorIsFinalAtOnce() throws Exception {
        GatewayClient c = client(10, 400, true);
        GatewayClient.Refused e = assertThrows(GatewayClient.Refused.class, () -> c.send("GET", "/v1/x", (ByteBuffer) null));
        assertEquals(400, e.status);
        assertEquals(1, requests.get());
    }
}
