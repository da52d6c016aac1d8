package io.crashpipe.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crashpipe.metrics.ServiceMetrics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small Confluent-API-compatible schema registry (Avro only). State is the compacted
 * {@code _schemas} topic, schemas and compatibility settings alike; this process is its only
 * writer, so ids are allocated here without coordination (a deployment runs one replica with
 * the {@code Recreate} strategy, so no two overlap). Serves the subset of the API that clients
 * and serializers use, and {@code GET /metrics}.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaStore store = new SchemaStore();
    private final Map<String, Compatibility> subjectCompat = new HashMap<>();
    private Compatibility globalCompat = Compatibility.BACKWARD;
    private final SchemaLog log;
    private final HttpServer server;
    private final ExecutorService executor;

    private EmbeddedRegistry(SchemaLog log, HttpServer server, ExecutorService executor) {
        this.log = log;
        this.server = server;
        this.executor = executor;
    }

    /** Starts on {@code bind} (port 0 picks one) after replaying the schema log from Kafka. */
    public static EmbeddedRegistry start(String kafkaBootstrap, InetSocketAddress bind) throws IOException {
        return start(kafkaBootstrap, bind, (short) 1);
    }

    /**
     * As {@link #start(String, InetSocketAddress)}, creating a missing {@code _schemas} topic with
     * {@code replication} replicas (at most the brokers there are).
     */
    public static EmbeddedRegistry start(String kafkaBootstrap, InetSocketAddress bind, short replication) throws IOException {
        ServiceMetrics.install(); // it serves /metrics; installed before any meter is made, so none is missed
        SchemaLog log = new SchemaLog(kafkaBootstrap, replication);
        HttpServer server = HttpServer.create(bind, 64);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "schema-registry");
            t.setDaemon(true);
            return t;
        });
        EmbeddedRegistry reg = new EmbeddedRegistry(log, server, executor);
        synchronized (reg) {
            log.replay(reg.new Restore());
        }
        server.createContext("/", reg::handle);
        server.createContext("/metrics", RegistryMeters::scrape);
        server.setExecutor(executor);
        server.start();
        return reg;
    }

    /** Applies the log: schemas into the store, compatibility settings into the maps. */
    private final class Restore implements SchemaLog.Replay {
        @Override
        public void schema(SchemaStore.Entry e) {
            store.apply(e);
        }

        @Override
        public void config(String subject, Compatibility level) {
            if (subject == null) {
                globalCompat = level;
            } else {
                subjectCompat.put(subject, level);
            }
        }
    }

    /** Where clients on this machine reach it: the loopback when bound to every interface. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getHostString() + "]" : a.getHostString();
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Reply reply;
            try {
                reply = route(ex.getRequestMethod(), pathSegments(ex.getRequestURI()), ex.getRequestBody());
            } catch (ApiError e) {
                reply = e.reply();
            } catch (RuntimeException e) {
                reply = Reply.error(500, 50001, "internal error: " + e);
            }
            byte[] body = reply.body().toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
            RegistryMeters.request(ex.getRequestMethod(), reply.status());
            ex.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private synchronized Reply route(String method, List<String> p, InputStream body) throws IOException {
        int n = p.size();
        if (n == 0) {
            return Reply.ok(JSON.createObjectNode());
        }
        if (n == 3 && p.get(0).equals("schemas") && p.get(1).equals("ids") && method.equals("GET")) {
            int id = intParam(p.get(2));
            String s = store.schema(id).orElseThrow(() -> new ApiError(404, 40403, "Schema " + id + " not found"));
            return Reply.ok(JSON.createObjectNode().put("schema", s));
        }
        if (n == 4 && p.get(0).equals("schemas") && p.get(1).equals("ids") && p.get(3).equals("versions")) {
            int id = intParam(p.get(2));
            ArrayNode arr = JSON.createArrayNode();
            for (String subj : store.subjects()) {
                for (int v : store.versions(subj)) {
                    store.version(subj, v).filter(e -> e.id() == id)
                            .ifPresent(e -> arr.addObject().put("subject", subj).put("version", v));
                }
            }
            return Reply.ok(arr);
        }
        if (n == 1 && p.get(0).equals("subjects") && method.equals("GET")) {
            ArrayNode arr = JSON.createArrayNode();
            store.subjects().forEach(arr::add);
            return Reply.ok(arr);
        }
        if (n == 1 && p.get(0).equals("schemas") && method.equals("GET")) {
            ArrayNode arr = JSON.createArrayNode();
            for (String subj : store.subjects()) {
                for (int v : store.versions(subj)) {
                    store.version(subj, v).ifPresent(e -> arr.add(entryJson(e)));
                }
            }
            return Reply.ok(arr);
        }
        if (n == 2 && p.get(0).equals("subjects") && method.equals("POST")) {
            String subject = p.get(1);
            String schema = readSchema(body);
            SchemaStore.Entry e = store.find(subject, schema)
                    .orElseThrow(() -> new ApiError(404, store.versions(subject).isEmpty() ? 40401 : 40403,
                            store.versions(subject).isEmpty() ? "Subject '" + subject + "' not found." : "Schema not found"));
            return Reply.ok(entryJson(e));
        }
        if (n == 3 && p.get(0).equals("subjects") && p.get(2).equals("versions")) {
            String subject = p.get(1);
            if (method.equals("POST")) {
                return Reply.ok(JSON.createObjectNode().put("id", register(subject, readSchema(body)).id()));
            }
            List<Integer> versions = store.versions(subject);
            if (versions.isEmpty()) {
                throw new ApiError(404, 40401, "Subject '" + subject + "' not found.");
            }
            ArrayNode arr = JSON.createArrayNode();
            versions.forEach(arr::add);
            return Reply.ok(arr);
        }
        if (n >= 4 && p.get(0).equals("subjects") && p.get(2).equals("versions") && method.equals("GET")) {
            SchemaStore.Entry e = version(p.get(1), p.get(3));
            return Reply.ok(n == 5 && p.get(4).equals("schema") ? JSON.getNodeFactory().textNode(e.schema()) : entryJson(e));
        }
        if (n == 5 && p.get(0).equals("compatibility") && p.get(1).equals("subjects") && p.get(3).equals("versions")
                && method.equals("POST")) {
            String subject = p.get(2);
            Schema candidate = parse(readSchema(body));
            version(subject, p.get(4)); // 404s like Confluent when the subject or version is unknown
            boolean ok = compat(subject).allows(candidate, history(subject));
            return Reply.ok(JSON.createObjectNode().put("is_compatible", ok));
        }
        if (p.get(0).equals("config") && n <= 2) {
            if (method.equals("PUT")) {
                Compatibility c = Compatibility.parse(JSON.readTree(body).path("compatibility").asText());
                log.appendConfig(n == 1 ? null : p.get(1), c); // kept before it is applied, so a restart has it
                if (n == 1) {
                    globalCompat = c;
                } else {
                    subjectCompat.put(p.get(1), c);
                }
                return Reply.ok(JSON.createObjectNode().put("compatibility", c.name()));
            }
            Compatibility c = n == 1 ? globalCompat : compat(p.get(1));
            return Reply.ok(JSON.createObjectNode().put("compatibilityLevel", c.name()));
        }
        throw new ApiError(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", p));
    }

    private SchemaStore.Entry register(String subject, String schemaText) throws IOException {
        Optional<SchemaStore.Entry> existing = store.find(subject, schemaText);
        if (existing.isPresent()) {
            return existing.get();
        }
        Schema candidate = parse(schemaText);
        if (!compat(subject).allows(candidate, history(subject))) {
            throw new ApiError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\" (" + compat(subject) + ")");
        }
        SchemaStore.Entry e = store.next(subject, schemaText);
        log.append(e);
        store.apply(e);
        RegistryMeters.registered();
        return e;
    }

    private List<Schema> history(String subject) {
        List<Schema> out = new ArrayList<>();
        for (int v : store.versions(subject)) {
            store.version(subject, v).ifPresent(e -> out.add(parse(e.schema())));
        }
        return out;
    }

    private Compatibility compat(String subject) {
        return subjectCompat.getOrDefault(subject, globalCompat);
    }

    private SchemaStore.Entry version(String subject, String v) {
        if (store.versions(subject).isEmpty()) {
            throw new ApiError(404, 40401, "Subject '" + subject + "' not found.");
        }
        Optional<SchemaStore.Entry> e = v.equals("latest") || v.equals("-1")
                ? store.latest(subject) : store.version(subject, intParam(v));
        return e.orElseThrow(() -> new ApiError(404, 40402, "Version " + v + " not found."));
    }

    private static ObjectNode entryJson(SchemaStore.Entry e) {
        return JSON.createObjectNode().put("subject", e.subject()).put("version", e.version())
                .put("id", e.id()).put("schema", e.schema());
    }

    /** The request's schema in canonical text, so equal schemas compare equal whatever their spacing. */
    private static String readSchema(InputStream body) throws IOException {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiError(400, 400, "request body is not JSON: " + e.getMessage());
        }
        String type = req.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new ApiError(422, 42201, "only AVRO schemas are supported, got " + type);
        }
        if (req.path("references").size() > 0) {
            throw new ApiError(422, 42201, "schema references are not supported");
        }
        return parse(req.path("schema").asText()).toString();
    }

    private static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw new ApiError(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private static int intParam(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ApiError(422, 42202, "'" + s + "' is not a valid number");
        }
    }

    private static List<String> pathSegments(URI uri) {
        List<String> out = new ArrayList<>();
        for (String s : uri.getRawPath().split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private record Reply(int status, JsonNode body) {
        static Reply ok(JsonNode body) {
            return new Reply(200, body);
        }

        static Reply error(int status, int code, String message) {
            return new Reply(status, JSON.createObjectNode().put("error_code", code).put("message", message));
        }
    }

    private static final class ApiError extends RuntimeException {
        private final int status;
        private final int code;

        ApiError(int status, int code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        Reply reply() {
            return Reply.error(status, code, getMessage());
        }
    }
}
