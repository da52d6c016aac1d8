package io.crashpipe.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.Progress;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.UploadResult;
import io.crashpipe.agent.Uploader;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestElasticsearch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment shape: each service in its own JVM from the packaged jar, as the k8s manifests
 * run them (crashpipe serve registry | gateway | topology | sink), configured by environment,
 * a dump uploaded through them, its report found in Elasticsearch, then SIGTERM stops each cleanly.
 */
class ServeServicesIT {
    @TempDir
    Path dir;

    private final List<Process> services = new ArrayList<>();
    private LocalKafka kafka;

    @AfterEach
    void stop() {
        services.forEach(Process::destroyForcibly);
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void eachServiceInItsOwnProcessCarriesADumpToElasticsearchAndStopsOnSigterm() throws Exception {
        Path jar = Path.of("target", "crashpipe-cli.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the packaged CLI at " + jar + " (failsafe runs after package)");
        kafka = LocalKafka.startTemporary();
        String prefix = "serve-it-";
        String token = "serve-it-token";
        Path hashes = Files.writeString(dir.resolve("token-hashes"), GatewayConfig.sha256Hex(token) + "\n");

        String registry = ready(start(jar, "registry", List.of("CRASHPIPE_KAFKA=" + kafka.bootstrapServers(),
                "CRASHPIPE_REGISTRY_PORT=0")), "registry=");
        List<String> common = List.of("CRASHPIPE_KAFKA=" + kafka.bootstrapServers(), "CRASHPIPE_REGISTRY_URL=" + registry);
        String topologyMetrics = ready(start(jar, "topology", plus(common, "CRASHPIPE_STATE_DIR=" + dir.resolve("streams"),
                "CRASHPIPE_REPLICATION_FACTOR=1", "CRASHPIPE_METRICS_PORT=0")), "metrics=");
        String gateway = ready(start(jar, "gateway", plus(common, "CRASHPIPE_GATEWAY_PORT=0",
                "CRASHPIPE_TOKEN_HASHES=" + hashes, "CRASHPIPE_GATEWAY_MAX_CONNECTIONS=64", "CRASHPIPE_GATEWAY_IDLE_TIMEOUT=30s",
                "CRASHPIPE_GATEWAY_INFLIGHT_BYTES=16M")), "gateway="); // limits from the environment too

        String sinkMetrics = ready(start(jar, "sink", plus(common, "CRASHPIPE_ES_URL=" + TestElasticsearch.uri(),
                "CRASHPIPE_INDEX_PREFIX=" + prefix, "CRASHPIPE_SINK_GROUP=serve-it", "CRASHPIPE_METRICS_PORT=0")), "metrics=");

        Path sample = Path.of("..", "samples", "sample.kdump");
        UploadResult up = new Uploader(UploadOptions.defaults(URI.create(gateway), token, dir.resolve("agent")))
                .upload(FoundDump.single(sample), Progress.NONE);
        ObjectNode doc = awaitReport(SinkIndices.withPrefix(prefix), up.dumpId());
        assertEquals("6.1.0-56-amd64", doc.path("host").path("os").path("kernel").asText());
        assertEquals("Kernel panic - not syncing: sysrq triggered crash", doc.path("error").path("message").asText());

        // each service's GET /metrics: Prometheus text with the project's meters and Kafka's own
        ServiceMetricsScrape.assertExposes(URI.create(registry).resolve("metrics"), "crashpipe_registry_requests_total",
                "crashpipe_registry_schemas_registered_total", "kafka_producer_", "jvm_memory_used_bytes");
        ServiceMetricsScrape.assertExposes(URI.create(gateway).resolve("metrics"), "crashpipe_ingest_chunks_total",
                "crashpipe_ingest_bytes_total", "crashpipe_gateway_events_published_total{type=\"DumpSealed\"}",
                "crashpipe_gateway_publish_seconds_count", "kafka_producer_", "kafka_admin_client_");
        ServiceMetricsScrape.assertExposes(URI.create(topologyMetrics), "crashpipe_topology_reports_total",
                "crashpipe_topology_passes_seconds_count", "kafka_stream_", "kafka_consumer_");
        ServiceMetricsScrape.assertExposes(URI.create(sinkMetrics), "crashpipe_sink_documents_total{outcome=\"written\"}",
                "crashpipe_sink_lag_records", "kafka_consumer_", "kafka_producer_");
        for (String probe : List.of("healthz", "readyz")) {
            ServiceMetricsScrape.assertOk(URI.create(topologyMetrics).resolve(probe));
            ServiceMetricsScrape.assertOk(URI.create(sinkMetrics).resolve(probe));
        }

        for (Process p : services) {
            p.destroy(); // SIGTERM, as a container stop sends
        }
        for (Process p : services) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a service stopped within 60 s of SIGTERM");
        }
    }

    private static List<String> plus(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    private Process start(Path jar, String service, List<String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "serve", service);
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        pb.redirectError(dir.resolve(service + ".log").toFile());
        Process p = pb.start();
        services.add(p);
        return p;
    }

    /** Waits for the service's {@code crashpipe ready} line and returns the value after {@code key}. */
    private String ready(Process p, String key) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("crashpipe ready")) {
                for (String part : line.split(" ")) {
                    if (part.startsWith(key)) {
                        return part.substring(key.length());
                    }
                }
                throw new AssertionError("ready line without " + key + ": " + line);
            }
        }
        throw new AssertionError("service exited before it was ready; its log: " + logOf(p));
    }

    private String logOf(Process p) throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".log")).toList()) {
                b.append(f.getFileName()).append(":\n").append(Files.readString(f)).append('\n');
            }
        }
        return b.toString();
    }

    private static ObjectNode awaitReport(SinkIndices indices, String dumpId) throws Exception {
        var es = EsClients.connect(TestElasticsearch.uri());
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    var r = es.get(g -> g.index(indices.crashReports()).id(dumpId), ObjectNode.class);
                    if (r.found()) {
                        return r.source();
                    }
                } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException | IOException e) {
                    // the index appears with the first document, its shard a moment later (503 until then)
                }
                Thread.sleep(300);
            }
            throw new AssertionError("no report for " + dumpId + " in " + indices.crashReports() + " within 3 min");
        } finally {
            EsClients.close(es);
        }
    }
}
