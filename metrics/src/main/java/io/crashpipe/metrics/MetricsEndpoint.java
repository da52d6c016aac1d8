package io.crashpipe.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP port of a service that has none of its own (topology, sink, agent):
 * {@code GET /metrics} (Prometheus text), {@code /healthz} (liveness) and {@code /readyz}
 * (readiness), each 200 or 503 with one line of text.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** What the probes ask: alive (else the kubelet restarts the pod), ready (doing its work). */
    public record Probes(BooleanSupplier live, BooleanSupplier ready) {
        public static final Probes ALWAYS = new Probes(() -> true, () -> true);
    }

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code bind} (port 0 picks a free one); installs {@link ServiceMetrics}. */
    public static MetricsEndpoint start(InetSocketAddress bind, Probes probes) throws IOException {
        ServiceMetrics.install();
        HttpServer s = HttpServer.create(bind, 16);
        s.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "crashpipe-metrics-http");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/metrics", x -> reply(x, 200, ServiceMetrics.CONTENT_TYPE, ServiceMetrics.scrape()));
        s.createContext("/healthz", x -> probe(x, probes.live(), "ok\n", "not alive\n"));
        s.createContext("/readyz", x -> probe(x, probes.ready(), "ready\n", "not ready\n"));
        s.start();
        return new MetricsEndpoint(s);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void probe(HttpExchange x, BooleanSupplier check, String yes, String no) throws IOException {
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        reply(x, ok ? 200 : 503, "text/plain", ok ? yes : no);
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        try (x) {
            if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            boolean head = x.getRequestMethod().equals("HEAD");
            x.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
