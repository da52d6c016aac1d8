package io.crashpipe.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two calls of the Confluent registry API the serde makes (register a schema under a subject,
 * fetch a schema by id), in memory, with a switch that makes it answer 503 as a registry in an
 * outage does. For tests that need a registry but no Kafka under it.
 */
final class TestRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> schemas = new ArrayList<>();
    private volatile boolean down;
    private final AtomicInteger refused = new AtomicInteger();

    TestRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** While down, every call is answered 503 (an outage, not a refusal). */
    void down(boolean down) {
        this.down = down;
    }

    /** Calls answered 503 so far: how a test sees a client waiting. */
    int refused() {
        return refused.get();
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        ObjectNode reply = JSON.createObjectNode();
        int status = 200;
        if (down) {
            refused.incrementAndGet();
            status = 503;
            reply.put("error_code", 50301).put("message", "registry in an outage (test)");
        } else if (x.getRequestMethod().equals("POST") && path.matches("/subjects/[^/]+/versions")) {
            String schema = JSON.readTree(x.getRequestBody()).path("schema").asText();
            synchronized (schemas) {
                int i = schemas.indexOf(schema);
                if (i < 0) {
                    schemas.add(schema);
                    i = schemas.size() - 1;
                }
                reply.put("id", i + 1);
            }
        } else if (x.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
            int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
            synchronized (schemas) {
                if (id < 1 || id > schemas.size()) {
                    status = 404;
                    reply.put("error_code", 40403).put("message", "schema " + id + " not found");
                } else {
                    reply.put("schema", schemas.get(id - 1));
                }
            }
        } else {
            status = 404;
            reply.put("error_code", 404).put("message", "not served by the test registry: " + path);
        }
        byte[] body = reply.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
