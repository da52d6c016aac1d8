package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.DumpWatcher;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.PipelineStage;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestElasticsearch;
import io.crashpipe.sink.consume.ResultSink;
import io.crashpipe.sink.consume.SinkConfig;
import io.crashpipe.topology.DumpAnalysisApp;
import io.crashpipe.topology.TopologyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dump that kdump-tools renames into place ({@code dump-incomplete -> dump.STAMP}) is picked up
 * by the watching agent on the rename (no quiet period: it is set to ten minutes here) and its
 * report becomes searchable through the whole real chain (agent, gateway, KRaft broker, Kafka
 * Streams topology, index sink, Elasticsearch) without the index's periodic refresh: it is
 * switched off here, so only the sink's refresh after writing a report can make it searchable.
 */
class RenamedDumpSearchableIT {
    static final String TOKEN = "renamed-dump-it-token";
    /** Own indices: the Elasticsearch node is shared by every integration test in this JVM. */
    static final SinkIndices INDICES = SinkIndices.withPrefix("renamed-it-" + Long.toHexString(System.nanoTime()) + "-");
    static LocalKafka kafka;
    static EmbeddedRegistry registry;
    static Gateway gateway;
    static DumpAnalysisApp topology;
    static ResultSink sink;
    static ElasticsearchClient es;
    static Path work;
    static Thread agent;
    static final List<DumpWatcher.Outcome> outcomes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        Fixtures.assumeAvailable("the renamed-dump test");
        work = Files.createTempDirectory("crashpipe-renamed-dump-it");
        kafka = LocalKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
        }
        registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
        gateway = Gateway.start(GatewayConfig.local(new InetSocketAddress("127.0.0.1", 0), kafka.bootstrapServers(),
                registry.uri(), Set.of(GatewayConfig.sha256Hex(TOKEN))));
        topology = DumpAnalysisApp.start(TopologyConfig.local(kafka.bootstrapServers(), registry.uri(), work.resolve("streams")),
                Duration.ofMinutes(2));
        es = EsClients.connect(TestElasticsearch.uri());
        sink = ResultSink.start(SinkConfig.local(kafka.bootstrapServers(), registry.uri(), TestElasticsearch.uri())
                .withIndices(INDICES));
        periodicRefreshOff(INDICES.crashReports());

        UploadOptions options = UploadOptions.defaults(URI.create("http://127.0.0.1:" + gateway.address().getPort() + "/"),
                TOKEN, work.resolve("agent-state"));
        Files.createDirectories(work.resolve("crash"));
        agent = new Thread(new DumpWatcher(work.resolve("crash"), Duration.ofMinutes(10), options, Duration.ofMinutes(10),
                outcomes::add), "renamed-dump-it-agent");
        agent.setDaemon(true);
        agent.start();
    }

    /** Makes the index now (from the sink's template) with no periodic refresh. */
    private static void periodicRefreshOff(String index) throws IOException {
        try {
            es.indices().create(c -> c.index(index));
        } catch (ElasticsearchException exists) {
            // the sink made it already: only its settings change
        }
        es.indices().putSettings(p -> p.index(index).settings(s -> s.refreshInterval(t -> t.time("-1"))));
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.interrupt();
        }
        for (AutoCloseable c : new AutoCloseable[] {gateway, topology, sink, registry, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        if (es != null) {
            EsClients.close(es);
        }
    }

    @Test
    void aDumpRenamedIntoPlaceIsSearchableWithoutAQuietPeriodOrAPeriodicRefresh() throws Exception {
        Path source = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq")).stream()
                .filter(p -> p.getFileName().toString().contains("zstd")).findFirst().orElseThrow();
        Path dir = Files.createDirectory(work.resolve("crash/202612061200"));
        Path incomplete = Files.copy(source, dir.resolve("dump-incomplete"));
        Thread.sleep(1000);
        assertTrue(outcomes.isEmpty(), "nothing goes while the dump is incomplete: " + outcomes);

        Instant renamed = Instant.now();
        Path dump = Files.move(incomplete, dir.resolve("dump.202612061200"), StandardCopyOption.ATOMIC_MOVE);
        ObjectNode doc = awaitSearchable(dump.toString(), Duration.ofMinutes(3));
        Instant found = Instant.now();

        assertEquals(DumpId.of(dump), doc.at("/crash/dump_id").asText());
        assertEquals(dump.toString(), doc.at("/file/path").asText());
        Instant detected = Instant.parse(doc.at("/crash/timings/detected").asText());
        Instant appeared = Instant.parse(doc.at("/crash/timings/dump_appeared").asText());
        Instant indexed = Instant.parse(doc.at("/crash/timings/indexed").asText());
        // the agent's detection is the rename (within the short grace), not a ten-minute quiet period
        assertFalse(detected.isBefore(renamed.minusMillis(5)), detected + " before the rename at " + renamed);
        assertTrue(Duration.between(renamed, detected).toSeconds() < 60, "detected " + detected + " after the rename at " + renamed);
        assertFalse(appeared.isBefore(detected.minusMillis(5)), "the topology saw it at " + appeared + ", before " + detected);
        assertFalse(indexed.isBefore(appeared), "indexed " + indexed + " before it appeared " + appeared);
        assertTrue(!found.isBefore(indexed), "found " + found + " before it was indexed " + indexed);
        assertEquals(Duration.between(detected, indexed).toMillis(), doc.at("/crash/timings/detected_to_indexed_ms").asLong());
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof DumpWatcher.Outcome.Detected d
                && d.dump().file().equals(dump) && d.signal().equals("renamed into place")), outcomes.toString());
    }

    /**
     * Every stage of {@link PipelineStage}, from the rename seen by the agent to the sink's refresh,
     * is stamped in the indexed report, in the order the stages happen, and within the span the
     * test itself saw (the rename before, finding the stamp after).
     */
    @Test
    void theIndexedReportCarriesEveryStageFromTheRenameToSearchableInOrder() throws Exception {
        Path source = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq")).stream()
                // not the zstd file of the other test: the same content is the same dump, reported already
                .filter(p -> p.getFileName().toString().contains("lzo")).findFirst().orElseThrow();
        Path dir = Files.createDirectory(work.resolve("crash/202612061300"));
        Path incomplete = Files.copy(source, dir.resolve("dump-incomplete"));
        Thread.sleep(500);
        Instant renamed = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Path dump = Files.move(incomplete, dir.resolve("dump.202612061300"), StandardCopyOption.ATOMIC_MOVE);
        awaitSearchable(dump.toString(), Duration.ofMinutes(3));
        ObjectNode doc = awaitStamped(DumpId.of(dump), Duration.ofSeconds(30));
        Instant seen = Instant.now();

        Instant previous = renamed;
        PipelineStage previousStage = null;
        for (PipelineStage stage : PipelineStage.values()) {
            String text = doc.at("/crash/timings/" + stage.esField()).asText("");
            assertFalse(text.isEmpty(), stage + " (crash.timings." + stage.esField() + ") missing: " + doc.at("/crash/timings"));
            Instant at = Instant.parse(text);
            assertFalse(at.isBefore(previous), stage + " at " + at + " before " + (previousStage == null ? "the rename"
                    : previousStage) + " at " + previous + ": " + doc.at("/crash/timings"));
            previous = at;
            previousStage = stage;
        }
        assertFalse(previous.isAfter(seen), "searchable at " + previous + ", after the test read it at " + seen);
        Instant complete = Instant.parse(doc.at("/crash/timings/file_complete").asText());
        Instant searchable = Instant.parse(doc.at("/crash/timings/searchable").asText());
        assertEquals(Duration.between(complete, searchable).toMillis(), doc.at("/crash/timings/complete_to_searchable_ms").asLong());
        // the rename is the completion signal: seen within the watcher's grace, not after a quiet period
        assertTrue(Duration.between(renamed, complete).toSeconds() < 30, "file complete " + complete + ", renamed " + renamed);
    }

    /** The report as stored (a realtime get) once the sink has stamped when it became searchable. */
    private static ObjectNode awaitStamped(String dumpId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ObjectNode doc = null;
        while (System.nanoTime() < deadline) {
            var got = es.get(g -> g.index(INDICES.crashReports()).id(dumpId), ObjectNode.class);
            doc = got.found() ? got.source() : null;
            if (doc != null && doc.at("/crash/timings").has(PipelineStage.SEARCHABLE.esField())) {
                return doc;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no searchable stamp on the report of " + dumpId + " within " + timeout + ": " + doc);
    }

    /** Searches (not a realtime get): only a refreshed index answers. */
    private static ObjectNode awaitSearchable(String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var hits = es.search(s -> s.index(INDICES.crashReports())
                        .query(q -> q.term(t -> t.field("file.path").value(path))), ObjectNode.class).hits().hits();
                if (!hits.isEmpty()) {
                    return hits.get(0).source();
                }
            } catch (ElasticsearchException | IOException notYet) {
                // the index or its shard may not be ready yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the report of " + path + " was not searchable within " + timeout + "; agent: " + outcomes);
    }
}
