package io.crashpipe.sink.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.wire.ConfluentWire;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.LogRetention;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestElasticsearch;
import io.crashpipe.sink.TestIndexing;
import io.crashpipe.sink.doc.ParserVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink end to end: a real KRaft broker (fresh per test), the embedded registry, the shared real
 * Elasticsearch node. Results are produced as the topology produces them, in transactions, through
 * the Confluent wire format.
 */
class ResultSinkIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private LocalKafka kafka;
    private EmbeddedRegistry registry;
    private ElasticsearchClient es;
    private EventSerde serde;
    private KafkaProducer<byte[], byte[]> producer;
    private SinkIndices indices;
    private String group;
    private final List<ResultSink> sinks = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        URI esUri = TestElasticsearch.uri();
        kafka = LocalKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
        }
        registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
        serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
        es = EsClients.connect(esUri);
        String unique = Long.toHexString(System.nanoTime());
        indices = SinkIndices.withPrefix("it-sink-" + unique + "-");
        group = "it-sink-" + unique;
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-topology-" + unique,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_EVENT_BYTES),
                new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    @AfterEach
    void stop() throws IOException {
        sinks.forEach(ResultSink::close);
        if (producer != null) {
            producer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (es != null) {
            TestIndexing.delete(es, indices);
            EsClients.close(es);
        }
    }

    @Test
    void committedResultsAreIndexedWithTheirFieldsAndAbortedOnesNever() throws Exception {
        String dump = "d-6141-sysrq";
        inTransactionThenAbort(
                List.of(record(Topics.CRASH_REPORTS.name(), dump, ResultEvents.crashReport(dump, "9.0.0"))));
        inTransaction(List.of(
                record(Topics.CRASH_REPORTS.name(), dump, ResultEvents.crashReport(dump, "0.3.1")),
                record(Topics.KERNEL_LOG.name(), dump, ResultEvents.logLine(dump, 1036, 11_519_873_004_112L, 6,
                        "sysrq: Trigger a crash", "0.3.1")),
                record(Topics.KERNEL_LOG.name(), dump, ResultEvents.logLine(dump, 1037, 11_519_874_512_033L, 0,
                        ResultEvents.PANIC, "0.3.1"))));
        ResultSink sink = startSink(config());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("crashpipe-index-sink") && !t.isDaemon()), "no poll thread");

        await("3 documents indexed", () -> sink.indexed() == 3);
        ObjectNode report = source(indices.crashReports(), dump);
        assertEquals("0.3.1", report.at("/crash/parser_version").asText(), "the aborted 9.0.0 report was read");
        assertEquals("6.1.0-41-amd64", report.at("/host/os/kernel").asText());
        assertEquals(ResultEvents.PANIC, report.at("/error/message").asText());
        assertEquals("kernel panic: sysrq triggered crash", report.at("/crash/title").asText());
        assertEquals("sysrq_handle_crash", report.at("/crash/frame").asText());
        assertEquals("bash", report.at("/process/name").asText());
        assertEquals(1432, report.at("/process/pid").asLong());
        assertEquals(187, report.at("/crash/sys/tasks").asInt());
        assertEquals("nft_chain_nat", report.at("/crash/modules/0").asText());
        assertEquals("2025-11-20T09:15:08Z", report.at("/crash/timings/dump_appeared").asText());
        assertEquals(4, report.at("/crash/timings/passes").asInt());
        assertEquals("mod", report.at("/crash/completeness/partial/0").asText());

        ObjectNode panicLine = source(indices.kernelLog(), dump + ":1037");
        assertEquals(ResultEvents.PANIC, panicLine.at("/message").asText());
        assertEquals("2025-11-20T09:14:26.874512033Z", panicLine.at("/@timestamp").asText(), "boot time + uptime");
        assertEquals("emerg", panicLine.at("/log/level").asText());
        assertEquals("sysrq: Trigger a crash", source(indices.kernelLog(), dump + ":1036").at("/message").asText());
        sink.close();
        assertEquals(3, sink.indexed(), "the aborted report was indexed (or superseded) too");
    }

    @Test
    void undecodableAndRefusedRecordsAreDeadLetteredWithTheirOriginWhileTheNextRecordIsIndexed() throws Exception {
        String dump = "d-poison";
        byte[] garbage = "this is not an event".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchema = ConfluentWire.frame(0x7fff_0000, new byte[] {2, 4, 6});
        byte[] wrongType = serde.serialize(Topics.KERNEL_LOG.name(), ResultEvents.crashReport(dump, "0.3.1"));
        CrashReport absurdHost = CrashReport.newBuilder(ResultEvents.crashReport("d-absurd-host", "0.3.1"))
                .setHostname("h".repeat(40_000)).build();
        byte[] refused = serde.serialize(Topics.CRASH_REPORTS.name(), absurdHost);

        Map<String, RecordMetadata> sent = new HashMap<>();
        sent.put("garbage", publish(Topics.KERNEL_LOG.name(), dump, garbage));
        sent.put("unknown schema", publish(Topics.KERNEL_LOG.name(), dump, unknownSchema));
        sent.put("wrong type", publish(Topics.KERNEL_LOG.name(), dump, wrongType));
        RecordMetadata goodLine = publish(Topics.KERNEL_LOG.name(), dump, serde.serialize(Topics.KERNEL_LOG.name(),
                ResultEvents.logLine(dump, 1, 1_000, 6, "after the poison", "0.3.1")));
        // Both reports share the key, so the good one sits after the refused one in the same partition.
        sent.put("refused", publish(Topics.CRASH_REPORTS.name(), "d-absurd-host", refused));
        RecordMetadata goodReport = publish(Topics.CRASH_REPORTS.name(), "d-absurd-host",
                serde.serialize(Topics.CRASH_REPORTS.name(), ResultEvents.crashReport("d-absurd-host", "0.3.2")));
        ResultSink sink = startSink(config());

        await("the records after the poison indexed", () -> sink.indexed() == 2);
        assertEquals("after the poison", source(indices.kernelLog(), dump + ":1").at("/message").asText());
        assertEquals("db-07", source(indices.crashReports(), "d-absurd-host").at("/host/name").asText());

        Map<Origin, ConsumerRecord<byte[], byte[]>> letters = deadLetters(4);
        assertLetter(letters, sent.get("garbage"), dump, garbage, "decode", "magic byte 0");
        assertLetter(letters, sent.get("unknown schema"), dump, unknownSchema, "decode", "40403");
        assertLetter(letters, sent.get("wrong type"), dump, wrongType, "decode",
                "a KernelLogLine event, got CrashReport");
        assertLetter(letters, sent.get("refused"), "d-absurd-host", refused, "index",
                "failed to parse field [host.name] of type [keyword]");

        // Dead-lettered records count as acknowledged: the group commits past them, to the end.
        await("offsets committed past the poison", () -> caughtUp());
        assertTrue(committed().get(partitionOf(goodLine)) > goodLine.offset());
        assertTrue(committed().get(partitionOf(goodReport)) > goodReport.offset());
    }

    @Test
    void whileTheRegistryIsDownRecordsWaitInsteadOfBeingDeadLettered() throws Exception {
        String dump = "d-registry-outage";
        inTransaction(List.of(
                record(Topics.CRASH_REPORTS.name(), dump, ResultEvents.crashReport(dump, "0.3.1")),
                record(Topics.KERNEL_LOG.name(), dump, ResultEvents.logLine(dump, 0, 0, 6, "first line", "0.3.1"))));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ResultSink sink = startSink(SinkConfig.local(kafka.bootstrapServers(), URI.create("http://127.0.0.1:" + port),
                TestElasticsearch.uri()).withIndices(indices).withGroupId(group));
        Thread.sleep(3000); // the outage: the sink retries meanwhile
        assertEquals(0, sink.indexed());
        // A second registry instance serves the same ids: they live in the _schemas topic.
        try (EmbeddedRegistry back =
                EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, back.uri().getPort());
            await("both indexed once the registry answers", () -> sink.indexed() == 2);
        }
        assertEquals(0L, endOffsets(List.of(Topics.DEAD_LETTERS)).get(new TopicPartition(Topics.DEAD_LETTERS.name(), 0)));
    }

    @Test
    void aRestartedSinkIndexesNothingTwice() throws Exception {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        List<String> reportIds = new ArrayList<>();
        List<String> lineIds = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            String dump = "d-restart-" + d;
            reportIds.add(dump);
            batch.add(record(Topics.CRASH_REPORTS.name(), dump, ResultEvents.crashReport(dump, "0.3.1")));
            for (int seq = 0; seq < 3; seq++) {
                lineIds.add(dump + ":" + seq);
                batch.add(record(Topics.KERNEL_LOG.name(), dump,
                        ResultEvents.logLine(dump, seq, 1_000_000L * seq, 6, "line " + seq, "0.3.1")));
            }
        }
        inTransaction(batch);
        ResultSink first = startSink(config());
        await("16 documents indexed", () -> first.indexed() == 16);
        // Committed up to the end, transaction markers included, so a caught-up group shows no lag.
        await("committed to the end of every partition", () -> caughtUp());
        first.close();

        Map<String, Stored> before = documents(reportIds, lineIds);
        ResultSink second = startSink(config());
        // One marker per partition: once each is indexed, the second sink has read every partition to its end.
        List<ProducerRecord<byte[], byte[]>> markers = new ArrayList<>();
        for (int p = 0; p < Topics.INGEST_PARTITIONS; p++) {
            String dump = "d-marker-" + p;
            markers.add(new ProducerRecord<>(Topics.CRASH_REPORTS.name(), p, key(dump),
                    serde.serialize(Topics.CRASH_REPORTS.name(), ResultEvents.crashReport(dump, "0.3.1"))));
            markers.add(new ProducerRecord<>(Topics.KERNEL_LOG.name(), p, key(dump),
                    serde.serialize(Topics.KERNEL_LOG.name(), ResultEvents.logLine(dump, 0, 0, 6, "marker", "0.3.1"))));
        }
        inTransaction(markers);
        await("every marker indexed", () -> second.indexed() >= markers.size());
        second.close();

        assertEquals(markers.size(), second.indexed(), "the second sink re-indexed records the first had committed");
        Map<String, Stored> after = documents(reportIds, lineIds);
        for (String id : before.keySet()) {
            assertEquals(before.get(id).seqNo(), after.get(id).seqNo(), id + " was written again");
            assertEquals(before.get(id).index(), after.get(id).index(), id);
            assertEquals(before.get(id).version(), after.get(id).version(), id);
        }
        refresh();
        assertEquals(4 + Topics.INGEST_PARTITIONS, es.count(c -> c.index(indices.crashReports())).count());
        assertEquals(12 + Topics.INGEST_PARTITIONS, es.count(c -> c.index(indices.kernelLog())).count());
    }

    @Test
    void anOlderParserVersionNeverReplacesANewerOneAndANewerOneDoes() throws Exception {
        String dump = "d-versions";
        ResultSink sink = startSink(config());
        publishReport(dump, "0.2.0");
        await("0.2.0 indexed", () -> sink.indexed() == 1);
        publishReport(dump, "0.1.9");
        await("0.1.9 acknowledged", () -> sink.indexed() == 2);
        assertStoredVersion(dump, "0.2.0");
        publishReport(dump, "0.10.0");
        await("0.10.0 acknowledged", () -> sink.indexed() == 3);
        assertStoredVersion(dump, "0.10.0");
    }

    @Test
    void aTinyInFlightBoundPausesAndResumesUntilEverythingIsIndexed() throws Exception {
        SinkConfig defaults = config();
        SinkConfig tiny = new SinkConfig(defaults.bootstrapServers(), defaults.registry(), defaults.elasticsearch(),
                indices, group, defaults.bulk(), 8, 4096, Duration.ofMillis(200), Duration.ofSeconds(30),
                defaults.logRetention());
        List<ProducerRecord<byte[], byte[]>> lines = new ArrayList<>();
        for (int seq = 0; seq < 600; seq++) {
            lines.add(record(Topics.KERNEL_LOG.name(), "d-many-" + (seq % 5),
                    ResultEvents.logLine("d-many-" + (seq % 5), seq, seq * 1_000L, 6, "line " + seq, "0.3.1")));
        }
        inTransaction(lines);
        ResultSink sink = startSink(tiny);
        await("600 lines indexed", () -> sink.indexed() == 600);
        await("all committed", () -> caughtUp());
    }

    private SinkConfig config() {
        // The test lines are dated 1970: a retention sweep at start would delete their index.
        return SinkConfig.local(kafka.bootstrapServers(), registry.uri(), TestElasticsearch.uri())
                .withIndices(indices).withGroupId(group).withLogRetention(LogRetention.FOREVER);
    }

    private ResultSink startSink(SinkConfig config) {
        ResultSink sink = ResultSink.start(config);
        sinks.add(sink);
        return sink;
    }

    private void publishReport(String dump, String parserVersion) throws Exception {
        inTransaction(List.of(record(Topics.CRASH_REPORTS.name(), dump, ResultEvents.crashReport(dump, parserVersion))));
    }

    private void assertStoredVersion(String dump, String parserVersion) throws IOException {
        GetResponse<ObjectNode> doc = es.get(g -> g.index(indices.crashReports()).id(dump), ObjectNode.class);
        assertEquals(parserVersion, doc.source().at("/crash/parser_version").asText());
        assertEquals(ParserVersion.parse(parserVersion).ordinal() * 32 + doc.source().at("/crash/completeness/complete").size(),
                doc.version());
    }

    private ProducerRecord<byte[], byte[]> record(String topic, String dumpId, SpecificRecord event) throws IOException {
        return new ProducerRecord<>(topic, key(dumpId), serde.serialize(topic, event));
    }

    private static byte[] key(String dumpId) {
        return dumpId.getBytes(StandardCharsets.UTF_8);
    }

    /** One record in its own transaction, as the topology's exactly-once producer writes it. */
    private RecordMetadata publish(String topic, String dumpId, byte[] value) throws Exception {
        producer.beginTransaction();
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, key(dumpId), value)).get();
        producer.commitTransaction();
        return md;
    }

    private void inTransaction(List<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.commitTransaction();
    }

    private void inTransactionThenAbort(List<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.flush();
        producer.abortTransaction();
    }

    private ObjectNode source(String index, String id) throws Exception {
        GetResponse<ObjectNode> doc = es.get(g -> g.index(index).id(id), ObjectNode.class);
        assertTrue(doc.found(), index + "/" + id + " not found");
        return doc.source();
    }

    /** A document's place and write count, whichever dated index behind an alias holds it. */
    private record Stored(String index, Long seqNo, Long version) {}

    private Map<String, Stored> documents(List<String> reportIds, List<String> lineIds) throws IOException {
        refresh();
        Map<String, Stored> out = new HashMap<>();
        for (String id : reportIds) {
            out.put("report " + id, stored(indices.crashReports(), id));
        }
        for (String id : lineIds) {
            // kernel-log is an alias over one index per dump day: look the id up through it.
            out.put("line " + id, stored(indices.kernelLog(), id));
        }
        return out;
    }

    private Stored stored(String indexOrAlias, String id) throws IOException {
        var hits = es.search(s -> s.index(indexOrAlias).query(q -> q.ids(i -> i.values(id)))
                .seqNoPrimaryTerm(true).version(true), ObjectNode.class).hits().hits();
        assertEquals(1, hits.size(), id + " in " + indexOrAlias);
        var h = hits.get(0);
        return new Stored(h.index(), h.seqNo(), h.version());
    }

    private void refresh() throws IOException {
        es.indices().refresh(r -> r.index(indices.crashReports(), indices.kernelLog()));
    }

    /** Where a record was, as the producer was told and as a dead letter's headers tell. */
    private record Origin(String topic, int partition, long offset) {
        static Origin of(RecordMetadata md) {
            return new Origin(md.topic(), md.partition(), md.offset());
        }

        static Origin of(ConsumerRecord<byte[], byte[]> letter) {
            return new Origin(header(letter, DeadLetterHeaders.SOURCE_TOPIC),
                    Integer.parseInt(header(letter, DeadLetterHeaders.SOURCE_PARTITION)),
                    Long.parseLong(header(letter, DeadLetterHeaders.SOURCE_OFFSET)));
        }
    }

    /** The dead letters by where they came from; waits until {@code expected} are there. */
    private Map<Origin, ConsumerRecord<byte[], byte[]>> deadLetters(int expected) {
        TopicPartition dlq = new TopicPartition(Topics.DEAD_LETTERS.name(), 0);
        Map<Origin, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(dlq));
            c.seekToBeginning(List.of(dlq));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.put(Origin.of(r), r);
                }
            }
        }
        assertEquals(expected, out.size(), "dead letters: " + out.keySet());
        return out;
    }

    private static void assertLetter(Map<Origin, ConsumerRecord<byte[], byte[]>> letters, RecordMetadata source,
            String dumpId, byte[] value, String stage, String errorPart) {
        ConsumerRecord<byte[], byte[]> letter = letters.get(Origin.of(source));
        assertNotNull(letter, "no dead letter for " + Origin.of(source) + " among " + letters.keySet());
        assertEquals(stage, header(letter, DeadLetterHeaders.STAGE));
        String error = header(letter, DeadLetterHeaders.ERROR);
        assertTrue(error.contains(errorPart), error);
        assertArrayEquals(key(dumpId), letter.key(), "the dead letter keeps the original key");
        assertArrayEquals(value, letter.value(), "the dead letter holds the original value");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, "no header " + name + " on " + r);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static TopicPartition partitionOf(RecordMetadata md) {
        return new TopicPartition(md.topic(), md.partition());
    }

    /** The group's committed offsets on the result topics. */
    private Map<TopicPartition, Long> committed() {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new AssertionError("listing the group's offsets failed", e);
        }
    }

    /** The end (last stable offset) of every partition of the result topics the sink reads. */
    private Map<TopicPartition, Long> endOffsets() {
        return endOffsets(List.of(Topics.CRASH_REPORTS, Topics.KERNEL_LOG, Topics.CRASH_GROUPS, Topics.CRASH_ALERTS));
    }

    /** The group has committed to the end of every partition (an empty one may have no commit at all). */
    private boolean caughtUp() {
        Map<TopicPartition, Long> committed = committed();
        return endOffsets().entrySet().stream()
                .allMatch(e -> committed.getOrDefault(e.getKey(), 0L).longValue() == e.getValue());
    }

    private Map<TopicPartition, Long> endOffsets(List<Topics.TopicSpec> topics) {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        for (Topics.TopicSpec t : topics) {
            for (int p = 0; p < t.partitions(); p++) {
                query.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
            }
        }
        try (Admin admin = kafka.admin()) {
            return admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new AssertionError("listing end offsets failed", e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(100);
        }
    }

}
