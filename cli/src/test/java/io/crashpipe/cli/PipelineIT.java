package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.Progress;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.UploadResult;
import io.crashpipe.agent.Uploader;
import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestElasticsearch;
import io.crashpipe.sink.consume.ResultSink;
import io.crashpipe.sink.consume.SinkConfig;
import io.crashpipe.topology.DumpAnalysisApp;
import io.crashpipe.topology.Replay;
import io.crashpipe.topology.TopologyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole chain on real parts: agent -> Netty gateway -> KRaft broker -> Kafka Streams topology
 * -> index sink -> Elasticsearch, on the real fixture dumps, compared with what the offline
 * commands print for the same dumps.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
    static final String TOKEN = "pipeline-it-token";
    /** Own indices: the Elasticsearch node is shared by every integration test in this JVM. */
    static final SinkIndices INDICES = SinkIndices.withPrefix("pipeline-it-" + Long.toHexString(System.nanoTime()) + "-");
    static LocalKafka kafka;
    static EmbeddedRegistry registry;
    static Gateway gateway;
    static DumpAnalysisApp topology;
    static ResultSink sink;
    static ElasticsearchClient es;
    static Path work;
    static final Map<Path, String> uploaded = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        Fixtures.assumeAvailable("the whole-pipeline test");
        work = Files.createTempDirectory("crashpipe-pipeline-it");
        kafka = LocalKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
        }
        registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
        gateway = Gateway.start(GatewayConfig.local(new InetSocketAddress("127.0.0.1", 0), kafka.bootstrapServers(),
                registry.uri(), Set.of(GatewayConfig.sha256Hex(TOKEN))));
        topology = DumpAnalysisApp.start(topologyConfig(), Duration.ofMinutes(2));
        es = EsClients.connect(TestElasticsearch.uri());
        sink = ResultSink.start(SinkConfig.local(kafka.bootstrapServers(), registry.uri(), TestElasticsearch.uri())
                .withIndices(INDICES));
    }

    static TopologyConfig topologyConfig() {
        return TopologyConfig.local(kafka.bootstrapServers(), registry.uri(), work.resolve("streams"));
    }

    @AfterAll
    static void stop() {
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

    static UploadOptions agentOptions(String stateName, boolean hotPagesFirst) {
        return UploadOptions.defaults(java.net.URI.create("http://127.0.0.1:" + gateway.address().getPort() + "/"),
                TOKEN, work.resolve(stateName)).withHotPagesFirst(hotPagesFirst);
    }

    /** One variant per fixture kernel: the chain must not depend on the container. */
    static List<Path> dumps() {
        List<Path> out = new ArrayList<>();
        for (Path dir : Fixtures.dumpDirs()) {
            List<Path> v = Fixtures.variants(dir);
            out.add(v.stream().filter(p -> p.getFileName().toString().contains("zstd")).findFirst().orElse(v.get(0)));
        }
        return out;
    }

    @Test
    @Order(1)
    void everyFixtureIndexedReportEqualsWhatSysAndLogPrintOffline() throws Exception {
        for (Path dump : dumps()) {
            UploadResult r = new Uploader(agentOptions("agent-1", true)).upload(FoundDump.single(dump), Progress.NONE);
            uploaded.put(dump, r.dumpId());
        }
        for (Map.Entry<Path, String> e : uploaded.entrySet()) {
            ObjectNode doc = awaitReport(e.getValue(), d -> true);
            try (Dump d = Dumps.open(e.getKey())) {
                Extraction x = new Extraction(KernelView.of(d));
                ObjectNode offline = SysCommand.toJson(x.require(SystemSummaryExtractor.INSTANCE), SysCommand.tasks(x));
                JsonNode sys = doc.path("crash").path("sys");
                for (String f : List.of("cpus", "cpus_online", "uptime_seconds", "hz", "nodename", "release", "version",
                        "machine", "cpu_mhz", "memory_bytes", "panic", "date_source")) {
                    assertEquals(offline.path(f).asText(), sys.path(f).asText(), e.getKey() + ": crash.sys." + f);
                }
                if (offline.path("date").isNull()) { // arm64's text-only kallsyms: the date is unknown offline too
                    assertTrue(sys.path("date").isMissingNode() || sys.path("date").isNull(), e.getKey() + ": crash.sys.date");
                } else {
                    assertEquals(Instant.parse(offline.path("date").asText()), Instant.parse(sys.path("date").asText()),
                            e.getKey() + ": crash.sys.date");
                }
                assertEquals(offline.path("load_average").toString(), sys.path("load_average").toString());
                assertEquals(offline.path("release").asText(), doc.path("host").path("os").path("kernel").asText());
                assertEquals(offline.path("panic").asText(), doc.path("error").path("message").asText());

                List<String> offlineLines = new ArrayList<>();
                for (LogRecord rec : x.require(KernelLogExtractor.INSTANCE).records()) {
                    if (!rec.dataless()) {
                        offlineLines.add(rec.textString());
                    }
                }
                assertEquals(offlineLines, indexedLogLines(e.getValue(), offlineLines.size()), e.getKey() + ": kernel log");
                assertTasksAndBacktracesEqualOffline(e.getKey(), d, x, doc);
            }
        }
    }

    /**
     * The indexed task table equals {@code crashpipe ps --json} row for row, the indexed traces of
     * the running tasks equal {@code crashpipe bt -a --json} frame for frame, and the panic task's
     * frames after panic() are the Call Trace the kernel printed in the dump's own log.
     */
    static void assertTasksAndBacktracesEqualOffline(Path file, Dump d, Extraction x, ObjectNode doc) {
        JsonNode crash = doc.path("crash");
        x.require(TaskTableExtractor.INSTANCE).ifPresent(table -> {
            JsonNode rows = crash.path("tasks");
            assertEquals(table.tasks().size(), rows.size(), file + ": indexed task rows");
            for (int i = 0; i < rows.size(); i++) {
                ObjectNode ps = PsCommand.toJson(table, table.tasks().get(i));
                JsonNode row = rows.get(i);
                for (String f : List.of("pid", "ppid", "tgid", "cpu", "task", "state", "active")) {
                    assertEquals(ps.path(f).asText(), row.path(f).asText(), file + ": crash.tasks[" + i + "]." + f);
                }
                String comm = ps.path("kernel_thread").asBoolean() ? "[" + ps.path("comm").asText() + "]" : ps.path("comm").asText();
                assertEquals(comm, row.path("comm").asText(), file + ": crash.tasks[" + i + "].comm");
                assertEquals(ps.path("rss").asLong(), row.path("rss_kib").asLong(), file + ": crash.tasks[" + i + "].rss");
            }
        });
        KernelView v = x.view();
        // as `bt -a` reads them: the dump's own architecture (arm64 too), tasks named by the table where it must
        io.crashpipe.parsers.unwind.BacktraceReader own = io.crashpipe.parsers.unwind.BacktraceReader
                .withoutBtf(v, d.cpuRegisters());
        List<io.crashpipe.parsers.unwind.Backtrace> btA = x.require(TaskTableExtractor.INSTANCE)
                .map(t -> own.namingTasksWith(t::runningOn)).orElse(own).all();
        Map<Integer, JsonNode> indexedByCpu = new LinkedHashMap<>();
        for (JsonNode t : crash.path("backtrace")) {
            if (!t.path("role").asText().equals("blocked")) {
                indexedByCpu.put(t.path("cpu").asInt(), t);
            }
        }
        assertEquals(btA.size(), indexedByCpu.size(), file + ": one indexed trace per CPU");
        for (io.crashpipe.parsers.unwind.Backtrace bt : btA) {
            ObjectNode offline = BtCommand.toJson(bt);
            JsonNode indexed = indexedByCpu.get(bt.cpu());
            assertEquals(offline.path("pid").asText(""), indexed.path("pid").asText(""), file + ": CPU " + bt.cpu() + " pid");
            JsonNode frames = indexed.path("frame");
            assertEquals(offline.path("frames").size(), frames.size(), file + ": CPU " + bt.cpu() + " frames");
            for (int i = 0; i < frames.size(); i++) {
                JsonNode o = offline.path("frames").get(i);
                JsonNode f = frames.get(i);
                String where = file + ": CPU " + bt.cpu() + " frame #" + i;
                assertEquals(o.path("symbol").asText(""), f.path("function").asText(""), where);
                assertEquals(o.path("offset").isNull() ? "" : o.path("offset").asText(),
                        f.has("offset") ? "0x" + Long.toHexString(f.path("offset").asLong()) : "", where);
                assertEquals(o.path("address").asText(), f.path("address").asText(), where);
                assertEquals(o.path("stack").asText(""), f.path("stack").asText(""), where);
                assertEquals(o.path("reliable").asBoolean(), f.path("reliable").asBoolean(), where);
            }
            assertEquals(offline.path("exception_frames").size(), indexed.path("exception").size(),
                    file + ": CPU " + bt.cpu() + " exception frames");
            for (int i = 0; i < indexed.path("exception").size(); i++) {
                assertEquals(offline.path("exception_frames").get(i).path("registers").path("rip").asText(),
                        indexed.path("exception").get(i).path("registers").path("rip").asText());
            }
        }
        if (v.architecture().name().equals("aarch64")) {
            // arm64 prints raw return addresses (the noreturn caller shows as the next function) and its
            // kallsyms lacks panic_cpu; Arm64BacktraceTest checks that trace against crash instead.
            return;
        }
        // The kernel's own Call Trace in the log, from panic()'s caller on (reliable frames).
        List<io.crashpipe.parsers.oops.Frame> printed = io.crashpipe.parsers.oops.LogReports
                .of(x.require(KernelLogExtractor.INSTANCE)).get(0).frames().stream().filter(f -> f.trace() == 0).toList();
        List<String> expected = afterPanic(printed.stream().map(f -> f.reliable() ? f.rawFunction() + "+0x"
                + Long.toHexString(f.offset()) : "?").toList());
        JsonNode panic = null;
        for (JsonNode t : crash.path("backtrace")) {
            if (t.path("role").asText().equals("panic")) {
                panic = t;
            }
        }
        assertTrue(panic != null, file + ": no indexed panic trace");
        List<String> indexed = new ArrayList<>();
        for (JsonNode f : panic.path("frame")) {
            indexed.add(!f.path("reliable").asBoolean() ? (f.path("function").asText().equals("panic") ? "panic" : "?")
                    : f.path("function").asText() + "+0x" + Long.toHexString(f.path("offset").asLong()));
        }
        assertEquals(expected, afterPanic(indexed), file + ": the panic task's indexed frames vs the log's Call Trace");
        String firstReliable = null;
        for (JsonNode f : panic.path("frame")) {
            if (firstReliable == null && f.path("reliable").asBoolean()) {
                firstReliable = f.path("function").asText();
            }
        }
        assertEquals(firstReliable, crash.path("first_frame").asText(), file + ": crash.first_frame");
        assertTrue(doc.path("error").path("stack_trace").asText().contains("sysrq_handle_crash"), file + ": error.stack_trace");
    }

    /** The entries after the first one naming panic(), "?" entries (unreliable frames) dropped. */
    private static List<String> afterPanic(List<String> frames) {
        int at = 0;
        while (at < frames.size() && !frames.get(at).equals("panic") && !frames.get(at).startsWith("panic+")) {
            at++;
        }
        return frames.subList(Math.min(at + 1, frames.size()), frames.size()).stream().filter(f -> !f.equals("?")).toList();
    }

    @Test
    @Order(2)
    void replayWithABumpedParserVersionReplacesTheDocumentsAndAnOlderOneDoesNot() throws Exception {
        assumeTrue(!uploaded.isEmpty(), "needs the dumps of the first test");
        replay("9.0.0");
        for (String id : uploaded.values()) {
            awaitReport(id, d -> d.path("crash").path("parser_version").asText().equals("9.0.0"));
        }
        replay("0.0.1");
        Thread.sleep(3000); // give the sink time to (wrongly) apply the older results
        for (String id : uploaded.values()) {
            assertEquals("9.0.0", report(id).path("crash").path("parser_version").asText());
        }
        assertEquals(uploaded.size(), countReports(), () -> "one document per dump, whatever the replays: " + reportIds());
    }

    private static void replay(String version) throws IOException {
        TopologyConfig c = topologyConfig().withParserVersion(version)
                .withApplicationId(Replay.freshApplicationId(version)).withStateDir(work.resolve("replay-" + version));
        Replay.Result r = Replay.run(c, Duration.ofMinutes(10), m -> {});
        assertTrue(r.reports() >= uploaded.size(), "replay re-analysed every dump, got " + r.reports());
    }

    @Test
    @Order(3)
    void topologyStoppedMidDumpAndRestartedWithItsStateLostGivesExactlyOneReport() throws Exception {
        // Pages in pfn order make the analysis wait for most chunks, and 4 MB/s makes those take
        // seconds whatever the machine, so the stop lands mid-dump.
        Path dump = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq")).stream()
                .filter(p -> p.getFileName().toString().contains("lzo")).findFirst().orElseThrow();
        Thread upload = new Thread(() -> {
            try {
                uploaded.put(dump, new Uploader(agentOptions("agent-3", false).withBandwidth(4_000_000))
                        .upload(FoundDump.single(dump), Progress.NONE).dumpId());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long before = topology.reported();
        upload.start();
        Thread.sleep(1500);
        topology.close();
        // the local state is gone too: the index and progress come back from their changelogs
        deleteTree(work.resolve("streams"));
        assertEquals(before, topology.reported(), "stopped before the report went out");
        topology = DumpAnalysisApp.start(topologyConfig(), Duration.ofMinutes(2));
        upload.join();
        String id = uploaded.get(dump);
        ObjectNode doc = awaitReport(id, d -> true);
        // Pages in pfn order: the same task table and traces as offline.
        try (Dump d = Dumps.open(dump)) {
            assertTasksAndBacktracesEqualOffline(dump, d, new Extraction(KernelView.of(d)), doc);
        }
        Thread.sleep(2000);
        assertEquals(1, committedReports(id), "exactly one committed report for the dump in " + Topics.CRASH_REPORTS.name());
    }

    @Test
    @Order(4)
    void aGarbageIngestRecordIsDeadLetteredWithItsOriginAndTheTopologyGoesOn() throws Exception {
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        long offset;
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            offset = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.DUMP_PAGES.name(),
                    "not-a-dump", "garbage, not the Confluent wire format".getBytes())).get().offset();
        }
        p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-dlq-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DEAD_LETTERS.name()));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if ("not-a-dump".equals(r.key())) {
                        assertEquals(Topics.DUMP_PAGES.name(), header(r, DeadLetterHeaders.SOURCE_TOPIC));
                        assertEquals(String.valueOf(offset), header(r, DeadLetterHeaders.SOURCE_OFFSET));
                        assertEquals("decode", header(r, DeadLetterHeaders.STAGE));
                        assertTrue(header(r, DeadLetterHeaders.ERROR).contains("undecodable"), header(r, DeadLetterHeaders.ERROR));
                        assertEquals(org.apache.kafka.streams.KafkaStreams.State.RUNNING, topology.state());
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter for the garbage record within 1 min");
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long committedReports(String dumpId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long n = 0;
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.CRASH_REPORTS.name()));
            long idle = System.nanoTime();
            while (System.nanoTime() - idle < Duration.ofSeconds(5).toNanos()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    idle = System.nanoTime();
                    if (dumpId.equals(r.key())) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static ObjectNode awaitReport(String dumpId, java.util.function.Predicate<ObjectNode> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            ObjectNode d = report(dumpId);
            if (d != null && ready.test(d)) {
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no (matching) report for dump " + dumpId + " within 5 min");
    }

    /** Sections every report of a sysrq fixture has. */
    private static final Set<String> SECTIONS = Set.of("sys", "log", "ps", "mod", "bt");

    /**
     * An x86_64 and an arm64 dump of the same kernel version, sent one after the other through the
     * same agent, gateway, broker, topology, sink and index: each report is its own dump's
     * (architecture, panic, every section there, the panic task's first frames as offline).
     */
    @Test
    @Order(5)
    void anX86AndAnArm64DumpThroughTheSameStackEachGetTheirOwnReport() throws Exception {
        Path x86 = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        Path arm64 = Fixtures.variants(Fixtures.dir("arm64-6.1-qemu-sysrq")).get(0);
        Uploader agent = new Uploader(agentOptions("agent-architectures", true));
        String x86Id = agent.upload(FoundDump.single(x86), Progress.NONE).dumpId();
        String arm64Id = agent.upload(FoundDump.single(arm64), Progress.NONE).dumpId();
        assertOwnReport(x86, awaitReport(x86Id, d -> true), "x86_64", Set.of());
        // arm64's text-only kallsyms has no tk_core: sys lacks DATE there, offline too (SystemSummaryFixtureTest).
        assertOwnReport(arm64, awaitReport(arm64Id, d -> true), "aarch64", Set.of("sys"));
    }

    private static void assertOwnReport(Path file, ObjectNode doc, String machine, Set<String> mayBePartial) throws Exception {
        try (Dump d = Dumps.open(file)) {
            KernelView view = KernelView.of(d);
            assertEquals(machine, view.architecture().name(), file + ": the dump's own architecture");
            assertEquals(machine, doc.path("host").path("architecture").asText(), file + ": host.architecture");
            assertEquals(machine, doc.path("crash").path("sys").path("machine").asText(), file + ": crash.sys.machine");
            String panic = new Extraction(view).require(SystemSummaryExtractor.INSTANCE).panicMessage().orElseThrow();
            assertEquals("Kernel panic - not syncing: sysrq triggered crash", panic);
            assertEquals(panic, doc.path("error").path("message").asText(), file + ": error.message");

            JsonNode completeness = doc.path("crash").path("completeness");
            Set<String> partial = new java.util.HashSet<>();
            completeness.path("partial").forEach(n -> partial.add(n.asText()));
            Set<String> all = new java.util.HashSet<>(partial);
            completeness.path("complete").forEach(n -> all.add(n.asText()));
            assertTrue(all.containsAll(SECTIONS), file + ": sections " + all);
            assertTrue(mayBePartial.containsAll(partial), file + ": partial sections " + partial + " " + completeness.path("notes"));

            JsonNode panicTrace = null;
            for (JsonNode t : doc.path("crash").path("backtrace")) {
                if (t.path("role").asText().equals("panic")) {
                    panicTrace = t;
                }
            }
            assertTrue(panicTrace != null, file + ": no panic trace indexed");
            io.crashpipe.parsers.unwind.Backtrace offline = io.crashpipe.parsers.unwind.BacktraceReader
                    .withoutBtf(view, d.cpuRegisters()).forCpu(panicTrace.path("cpu").asInt());
            assertEquals(offline.method().name().toLowerCase(java.util.Locale.ROOT), panicTrace.path("method").asText(), file + ": unwind method");
            JsonNode frames = panicTrace.path("frame");
            assertEquals(offline.frames().size(), frames.size(), file + ": panic task's frame count");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                io.crashpipe.parsers.unwind.Frame f = offline.frames().get(i);
                JsonNode indexed = frames.get(i);
                names.add(indexed.path("function").asText("?"));
                if (i < 6) { // the first frames, as `crashpipe pipeline` prints them
                    assertEquals(f.name().orElse("?"), indexed.path("function").asText("?"), file + ": frame #" + i);
                    assertEquals(f.symbol().map(s -> s.offset()).orElse(0L), indexed.path("offset").asLong(), file + ": frame #" + i);
                    assertEquals(f.reliable(), indexed.path("reliable").asBoolean(), file + ": frame #" + i);
                }
            }
            assertTrue(names.indexOf("panic") >= 0 && names.indexOf("panic") < names.indexOf("sysrq_handle_crash"),
                    file + ": panic called from sysrq_handle_crash: " + names);
        }
    }

    /** The report as indexed, or null while there is none (the index or its shard may not exist yet). */
    private static ObjectNode report(String dumpId) {
        try {
            var r = es.get(g -> g.index(INDICES.crashReports()).id(dumpId), ObjectNode.class);
            return r.found() ? r.source() : null;
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException | IOException e) {
            return null;
        }
    }

    /** Each crash-reports document's id, dump id and parser version (for a failure message). */
    private static String reportIds() {
        try {
            var hits = es.search(r -> r.index(INDICES.crashReports()).size(100), com.fasterxml.jackson.databind.node.ObjectNode.class)
                    .hits().hits();
            return hits.stream().map(h -> h.id() + "=" + h.source().path("crash").path("dump_id").asText() + "@"
                    + h.source().path("crash").path("parser_version").asText()).toList().toString();
        } catch (IOException | RuntimeException e) {
            return "(could not list: " + e + ")";
        }
    }

    private static long countReports() throws IOException {
        es.indices().refresh(r -> r.index(INDICES.crashReports()));
        return es.count(c -> c.index(INDICES.crashReports())).count();
    }

    private static List<String> indexedLogLines(String dumpId, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            try {
                es.indices().refresh(r -> r.index(INDICES.kernelLog()));
                var hits = es.search(s -> s.index(INDICES.kernelLog()).size(10_000)
                        .query(q -> q.term(t -> t.field("crash.dump_id").value(dumpId)))
                        .sort(o -> o.field(f -> f.field("crash.log.seq").order(SortOrder.Asc))), ObjectNode.class);
                lines = hits.hits().hits().stream().map(h -> h.source().path("message").asText()).toList();
                if (lines.size() >= expected) {
                    return lines;
                }
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException | IOException e) {
                // the kernel-log index, or its shard, may not be there yet
            }
            Thread.sleep(500);
        }
        return lines;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
