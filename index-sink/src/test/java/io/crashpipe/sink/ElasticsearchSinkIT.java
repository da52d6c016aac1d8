package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.search.CrashSearch;
import io.crashpipe.sink.write.Ack;
import io.crashpipe.sink.write.Backoff;
import io.crashpipe.sink.write.BulkSink;
import io.crashpipe.sink.write.SinkDocument;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink against a real Elasticsearch node; each test has its own indices and deletes them. */
class ElasticsearchSinkIT {
    private static final AtomicLong OFFSETS = new AtomicLong();

    private ElasticsearchClient client;
    private SinkIndices indices;
    private RecordingAcks acks;

    @BeforeEach
    void setUp() throws IOException {
        client = EsClients.connect(TestElasticsearch.uri());
        indices = TestIndexing.freshIndices(client);
        acks = new RecordingAcks();
    }

    @AfterEach
    void tearDown() throws IOException {
        TestIndexing.delete(client, indices);
        EsClients.close(client);
    }

    @Test
    void templatesShapeTheIndicesTheSinkCreates() throws Exception {
        write(TestDocuments.crashReport("dump-t", "0.1.0").toSinkDocument(indices));
        Map<String, Property> crash = client.indices().getMapping(m -> m.index(indices.crashReports()))
                .result().get(indices.crashReports()).mappings().properties().get("crash").object().properties();
        assertTrue(crash.get("dump_id").isKeyword());
        assertTrue(crash.get("sys").object().properties().get("cpus").isInteger());
        assertTrue(crash.get("completeness").object().properties().get("notes").isFlattened());
        assertEquals("0", client.indices().getSettings(s -> s.index(indices.crashReports()))
                .get(indices.crashReports()).settings().index().numberOfReplicas());
    }

    @Test
    void anIndexMadeByAnOlderTemplateTakesTheNewFieldsOnceTheTemplateIsInstalled() throws Exception {
        ObjectNode older = IndexTemplate.CRASH_REPORTS.body().deepCopy();
        ((ObjectNode) older.at("/mappings/properties/crash/properties")).remove("frame");
        new IndexTemplate("older", older).install(client, indices.crashReports());
        client.indices().create(c -> c.index(indices.crashReports()));

        IndexTemplate.CRASH_REPORTS.install(client, indices.crashReports());
        assertInstanceOf(Ack.Written.class, write(TestDocuments.crashReport("dump-g", "0.1.0").toSinkDocument(indices)),
                "a document with crash.frame was refused by the index the older template made");
        assertTrue(client.indices().getMapping(m -> m.index(indices.crashReports())).result()
                .get(indices.crashReports()).mappings().properties().get("crash").object().properties()
                .get("frame").isKeyword());
    }

    @Test
    void indexedReportAndLogLinesAreFoundBySearch() throws Exception {
        write(TestDocuments.crashReport("dump-a", "0.1.0").toSinkDocument(indices));
        for (KernelLogLineDocument line : TestDocuments.logLines("dump-a", "0.1.0")) {
            write(line.toSinkDocument(indices));
        }
        refresh();

        CrashSearch.Results r = new CrashSearch(client, indices).search("sysrq triggered", 10);
        assertEquals(1, r.crashes().total());
        ObjectNode report = r.crashes().documents().getFirst();
        assertEquals("dump-a", report.at("/crash/dump_id").asText());
        assertEquals(TestDocuments.PANIC, report.at("/error/message").asText());
        assertEquals(TestDocuments.RELEASE, report.at("/host/os/kernel").asText());
        assertEquals("2026-11-22T14:56:44Z", report.at("/@timestamp").asText());
        assertEquals(1, r.logLines().total());
        assertEquals(375, r.logLines().documents().getFirst().at("/crash/log/seq").asLong());

        CrashSearch.Results trigger = new CrashSearch(client, indices).search("\"Trigger a crash\"", 10);
        assertEquals(0, trigger.crashes().total());
        assertEquals("sysrq: Trigger a crash", trigger.logLines().documents().getFirst().at("/message").asText());
    }

    @Test
    void reindexingTheSameRecordKeepsOneDocument() throws Exception {
        SinkDocument doc = TestDocuments.crashReport("dump-b", "0.1.0").toSinkDocument(indices);
        Ack first = write(doc);
        Ack again = write(doc);
        refresh();

        assertEquals("created", assertInstanceOf(Ack.Written.class, first).result());
        assertEquals("updated", assertInstanceOf(Ack.Written.class, again).result());
        assertEquals(1, client.count(c -> c.index(indices.crashReports())).count());
    }

    @Test
    void olderParserVersionNeverOverwritesNewer() throws Exception {
        write(TestDocuments.crashReport("dump-c", "0.2.0").toSinkDocument(indices));
        Ack older = write(TestDocuments.crashReport("dump-c", "0.1.9").toSinkDocument(indices));
        assertInstanceOf(Ack.Superseded.class, older);
        assertEquals("0.2.0", storedParserVersion("dump-c"));

        Ack newer = write(TestDocuments.crashReport("dump-c", "0.10.0").toSinkDocument(indices));
        assertInstanceOf(Ack.Written.class, newer);
        assertEquals("0.10.0", storedParserVersion("dump-c"));
    }

    /**
     * The sink's rule in Elasticsearch itself: a result with fewer complete sections (a stall
     * reported partial, a report from fewer pages) or of an older parser is refused by the stored
     * document's external version; one with more, or of a newer parser, replaces it.
     */
    @Test
    void anOlderOrLessCompleteResultNeverReplacesANewerCompleteDocument() throws Exception {
        assertInstanceOf(Ack.Written.class, write(TestDocuments.crashReport("dump-r", "0.2.0",
                TestDocuments.sections(2)).toSinkDocument(indices)), "a partial report first (a stall)");
        assertInstanceOf(Ack.Written.class, write(TestDocuments.crashReport("dump-r", "0.2.0",
                TestDocuments.sections(5)).toSinkDocument(indices)), "the complete one of the same parser replaces it");
        assertInstanceOf(Ack.Written.class, write(TestDocuments.crashReport("dump-r", "0.2.0",
                TestDocuments.sections(5)).toSinkDocument(indices)), "and a redelivery of it overwrites itself");

        for (int complete = 0; complete < 5; complete++) {
            assertInstanceOf(Ack.Superseded.class, write(TestDocuments.crashReport("dump-r", "0.2.0",
                    TestDocuments.sections(complete)).toSinkDocument(indices)), complete + " of 5 sections complete");
        }
        assertInstanceOf(Ack.Superseded.class, write(TestDocuments.crashReport("dump-r", "0.1.9",
                TestDocuments.sections(5)).toSinkDocument(indices)), "an older parser's complete result");
        assertInstanceOf(Ack.Superseded.class, write(TestDocuments.crashReport("dump-r", "0.1.9",
                TestDocuments.sections(0)).toSinkDocument(indices)), "an older parser's partial result");
        ObjectNode stored = client.get(g -> g.index(indices.crashReports()).id("dump-r"), ObjectNode.class).source();
        assertEquals("0.2.0", stored.at("/crash/parser_version").asText());
        assertTrue(stored.at("/crash/complete").asBoolean());
        assertEquals(5, stored.at("/crash/completeness/complete").size());

        assertInstanceOf(Ack.Written.class, write(TestDocuments.crashReport("dump-r", "0.3.0",
                TestDocuments.sections(5)).toSinkDocument(indices)), "a newer parser's result replaces it");
        assertEquals("0.3.0", storedParserVersion("dump-r"));
    }

    @Test
    void poisonRecordGoesToDeadLetterAndTheRestIsWritten() throws Exception {
        SinkDocument good = TestDocuments.crashReport("dump-d", "0.1.0").toSinkDocument(indices);
        ObjectNode bad = TestDocuments.crashReport("dump-e", "0.1.0").toSource();
        ((ObjectNode) bad.get("crash")).put("unknown_field", 1);
        ((ObjectNode) bad.at("/crash/sys")).put("cpus", "two");
        SinkDocument poison = new SinkDocument(indices.crashReports(), "dump-e", good.version(), bad);

        try (BulkSink<Long> sink = sink()) {
            sink.submit(poison, 1L);
            sink.submit(good, 2L);
            sink.flush();
            assertTrue(sink.awaitSettled(Duration.ofSeconds(30)));
        }
        Ack.DeadLettered dead = assertInstanceOf(Ack.DeadLettered.class, acks.acked.get(1L));
        assertEquals(400, dead.letter().status());
        assertEquals("dump-e", acks.deadLetters.getFirst().document().id());
        assertTrue(dead.letter().reason().contains("unknown_field") || dead.letter().reason().contains("cpus"),
                dead.letter().reason());
        assertInstanceOf(Ack.Written.class, acks.acked.get(2L));
        refresh();
        assertEquals(1, client.count(c -> c.index(indices.crashReports())).count());
    }

    @Test
    void writeBlockedIndexIsRetriedUntilItAcceptsThenAcknowledged() throws Exception {
        write(TestDocuments.crashReport("dump-f", "0.1.0").toSinkDocument(indices));
        setWriteBlock(true);
        SinkDocument newer = TestDocuments.crashReport("dump-f", "0.2.0").toSinkDocument(indices);
        BulkSink.Settings patient = BulkSink.Settings.DEFAULT
                .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), 100));
        try (BulkSink<Long> sink = new BulkSink<>(client, patient, acks, acks)) {
            sink.submit(newer, 100L);
            sink.flush();
            Thread.sleep(1500);
            assertFalse(acks.acked.containsKey(100L), "acknowledged while the index refused writes");
            setWriteBlock(false);
            assertTrue(sink.awaitSettled(Duration.ofSeconds(30)));
        }
        assertInstanceOf(Ack.Written.class, acks.acked.get(100L));
        assertEquals("0.2.0", storedParserVersion("dump-f"));
    }

    private void setWriteBlock(boolean on) throws IOException {
        client.indices().putSettings(p -> p.index(indices.crashReports())
                .settings(s -> s.blocks(b -> b.write(on))));
    }

    private String storedParserVersion(String dumpId) throws IOException {
        return client.get(g -> g.index(indices.crashReports()).id(dumpId), ObjectNode.class)
                .source().at("/crash/parser_version").asText();
    }

    /** Writes one record through its own sink and returns how it was settled. */
    private Ack write(SinkDocument doc) throws Exception {
        long offset = OFFSETS.incrementAndGet();
        try (BulkSink<Long> sink = sink()) {
            sink.submit(doc, offset);
            sink.flush();
            assertTrue(sink.awaitSettled(Duration.ofSeconds(30)), "not settled in 30 s");
        }
        assertTrue(acks.failed.isEmpty(), acks.failed.toString());
        return acks.acked.get(offset);
    }

    private BulkSink<Long> sink() {
        return new BulkSink<>(client, BulkSink.Settings.DEFAULT, acks, acks);
    }

    private void refresh() throws IOException {
        client.indices().refresh(r -> r.index(indices.crashReports(), indices.kernelLog()).ignoreUnavailable(true));
    }
}
