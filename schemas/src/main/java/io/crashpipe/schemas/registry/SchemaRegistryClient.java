package io.crashpipe.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of the Confluent Schema Registry REST API (also served by Karapace, Redpanda
 * and Apicurio's ccompat API): register, look up by id, test compatibility. Both directions are
 * cached: ids never change meaning, so a cache entry is never stale.
 *
 * <p>An outage (no connection, a timeout, a 5xx) is not the registry's answer. A plain client
 * reports it as an {@link IOException} for the caller to retry later; a client made by
 * {@link #waitingThroughOutages} waits it out, so a stage that must not dead-letter what it
 * accepted (the topology) simply pauses until the registry answers. A 4xx is an answer: thrown.
 */
public final class SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;
    private final boolean waitThroughOutages;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();

    public SchemaRegistryClient(URI base) {
        this(base, false);
    }

    private SchemaRegistryClient(URI base, boolean waitThroughOutages) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.waitThroughOutages = waitThroughOutages;
    }

    /** A client whose calls wait (with backoff, logging) while the registry is unreachable or failing. */
    public static SchemaRegistryClient waitingThroughOutages(URI base) {
        return new SchemaRegistryClient(base, true);
    }

    /** Whether {@code e} says the registry could not answer (rather than answered no). */
    public static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException || (t instanceof RegistryException r && r.httpStatus() >= 500)) {
                return true;
            }
        }
        return false;
    }

    public URI baseUri() {
        return base;
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    public int register(String subject, Schema schema) throws IOException {
        String key = subject + '\u0000' + schema.toString();
        Integer cached = idBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = send("POST", "subjects/" + enc(subject) + "/versions", schemaBody(schema));
        int id = reply.path("id").asInt(-1);
        if (id < 0) {
            throw new IOException("schema registry " + base + " answered a registration without an id: " + reply);
        }
        idBySubjectAndSchema.put(key, id);
        byId.putIfAbsent(id, schema);
        return id;
    }

    /** The writer schema with global id {@code id}. */
    public Schema schemaById(int id) throws IOException {
        Schema cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = send("GET", "schemas/ids/" + id, null);
        Schema schema = new Schema.Parser().parse(reply.path("schema").asText());
        byId.putIfAbsent(id, schema);
        return schema;
    }

    /** Whether {@code schema} may be registered as the next version of {@code subject}. */
    public boolean isCompatible(String subject, Schema schema) throws IOException {
        try {
            JsonNode reply = send("POST", "compatibility/subjects/" + enc(subject) + "/versions/latest", schemaBody(schema));
            return reply.path("is_compatible").asBoolean(false);
        } catch (RegistryException e) {
            if (e.errorCode() == 40401) {
                return true; // no version yet: anything is compatible with nothing
            }
            throw e;
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private JsonNode send(String method, String path, String body) throws IOException {
        if (!waitThroughOutages) {
            return sendOnce(method, path, body);
        }
        long started = System.nanoTime();
        long reported = 0;
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                JsonNode reply = sendOnce(method, path, body);
                if (reported != 0) {
                    LOG.info("schema registry {} answers again after {} s", base, (System.nanoTime() - started) / 1_000_000_000);
                }
                return reply;
            } catch (IOException e) {
                if (!isOutage(e) || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                long now = System.nanoTime();
                if (reported == 0 || now - reported > REPORT_EVERY.toNanos()) {
                    LOG.warn("schema registry {} unavailable for {} s, waiting ({})", base, (now - started) / 1_000_000_000,
                            e.getMessage());
                    reported = now;
                }
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                // still an outage (the wait was cut short, as by a shutdown): callers must not take
                // it for a refusal of the event and dead-letter it
                throw new RegistryUnavailableException("interrupted while waiting for schema registry " + base, ie);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private JsonNode sendOnce(String method, String path, String body) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body != null) {
            req.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // no answer is not a refusal: a caller must not dead-letter an event for it
            throw new RegistryUnavailableException("interrupted talking to schema registry " + base, e);
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + base + " unreachable: " + e, e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + base + path + " answered HTTP " + resp.statusCode()
                    + " with a body that is not JSON", e);
        }
        if (resp.statusCode() / 100 != 2) {
            throw new RegistryException(resp.statusCode(), json.path("error_code").asInt(resp.statusCode()),
                    method + " " + base + path + ": " + json.path("message").asText(resp.body()));
        }
        return json;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
