package io.crashpipe.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import io.crashpipe.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The registry's meters ({@code crashpipe_registry_requests_total{method,status}},
 * {@code crashpipe_registry_schemas_registered_total}) and its {@code GET /metrics}.
 */
final class RegistryMeters {
    private RegistryMeters() {}

    static void request(String method, int status) {
        Metrics.counter("crashpipe.registry.requests", "method", method, "status", Integer.toString(status)).increment();
    }

    static void registered() {
        Metrics.counter("crashpipe.registry.schemas.registered").increment();
    }

    static void scrape(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ServiceMetrics.scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", ServiceMetrics.CONTENT_TYPE);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
