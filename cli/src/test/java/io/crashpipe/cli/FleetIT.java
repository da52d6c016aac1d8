package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.DumpSplitter;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.agent.SplitOrder;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.kdump.KdumpWriter;
import io.crashpipe.parsers.extract.HotPages;
import io.crashpipe.parsers.testing.DamagedDump;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.HostIdentity;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.AlertKind;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.results.CrashGroup;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.ReleaseSeen;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestElasticsearch;
import io.crashpipe.sink.consume.ResultSink;
import io.crashpipe.sink.consume.SinkConfig;
import io.crashpipe.sink.notify.WebhookNotifier;
import io.crashpipe.sink.search.CrashSearch;
import io.crashpipe.sink.write.Backoff;
import io.crashpipe.topology.DumpAnalysisApp;
import io.crashpipe.topology.Replay;
import io.crashpipe.topology.TopologyConfig;
import io.crashpipe.topology.groups.AlertRules;
import io.crashpipe.topology.groups.GroupsApp;
import io.crashpipe.topology.groups.GroupsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The fleet view on real parts (KRaft broker, analysis topology, groups aggregation, index sink,
 * Elasticsearch, a webhook): the fixture dumps and shrunk copies of them, sent as the agent sends
 * them under other identities (host, crash time; the kernel releases are the dumps' own: 6.1,
 * 5.10, 6.12), grouped by signature, ranked by {@code top}, alerted on; then replayed with a
 * bumped parser version, which must leave every count as it was. Two crash kinds: the fixtures'
 * sysrq panic (signature a) and, for signature b, a shrunk 6.1 fixture whose panic record in the
 * printk ring is patched to read {@code Hard LOCKUP} (only fixtures are kept in the repository,
 * so the second kind is made here from one).
 */
class FleetIT {
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final AlertRules RULES = new AlertRules(Duration.ofDays(14), 7, 3.0, 3);

    /** One dump as sent: the file, the identity it is sent under. */
    record Sent(String name, Path file, String dumpId, String host, Instant time) {}

    @Test
    void groupsTopCrashersAndAlertsAreExactAndAReplayLeavesEveryCountUnchanged() throws Exception {
        Fixtures.assumeAvailable("the fleet test");
        Path work = Files.createTempDirectory("crashpipe-fleet-it");
        String prefix = "fleet-" + Long.toHexString(System.nanoTime()) + "-";
        SinkIndices indices = SinkIndices.withPrefix(prefix);
        List<Map.Entry<String, String>> webhookCalls = new CopyOnWriteArrayList<>();
        AtomicInteger webhookRequests = new AtomicInteger();
        HttpServer webhook = webhook(webhookCalls, webhookRequests);
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            try (EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0))) {
                EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
                TopologyConfig topo = TopologyConfig.local(kafka.bootstrapServers(), registry.uri(), work.resolve("streams"))
                        .withApplicationId("fleet-topology-" + UUID.randomUUID());
                GroupsConfig groupsConfig = GroupsConfig.local(kafka.bootstrapServers(), registry.uri(), work.resolve("streams"))
                        .withApplicationId("fleet-groups-" + UUID.randomUUID()).withRules(RULES);
                try (DumpAnalysisApp analysis = DumpAnalysisApp.start(topo, Duration.ofMinutes(2));
                        GroupsApp groups = GroupsApp.start(groupsConfig, Duration.ofMinutes(2));
                        ResultSink sink = ResultSink.start(SinkConfig.local(kafka.bootstrapServers(), registry.uri(),
                                TestElasticsearch.uri()).withIndices(indices).withGroupId("fleet-sink-" + UUID.randomUUID()));
                        WebhookNotifier notifier = WebhookNotifier.start(WebhookNotifier.Config.of(kafka.bootstrapServers(),
                                registry.uri(), URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"))
                                .withGroupId("fleet-notifier-" + UUID.randomUUID())
                                .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Integer.MAX_VALUE)));
                        Topic<CrashGroup> groupTopic = new Topic<>(kafka, serde, Topics.CRASH_GROUPS.name(), CrashGroup.class);
                        Topic<CrashAlert> alertTopic = new Topic<>(kafka, serde, Topics.CRASH_ALERTS.name(), CrashAlert.class);
                        Topic<CrashReport> reportTopic = new Topic<>(kafka, serde, Topics.CRASH_REPORTS.name(), CrashReport.class)) {

                    List<Sent> plan = plan(work);
                    Set<String> distinct = new TreeSet<>();
                    for (Sent s : plan) {
                        send(kafka, serde, s);
                        distinct.add(s.dumpId());
                        awaitGroupedDumps(groupTopic, distinct.size(), s.name());
                    }
                    // the same dump sent again (an agent retrying after a lost acknowledgement) changes nothing
                    send(kafka, serde, plan.get(0));

                    Map<String, CrashReport> reports = reportTopic.awaitKeys(distinct, Duration.ofSeconds(60));
                    Map<String, String> sig = new HashMap<>();
                    reports.forEach((id, r) -> sig.put(id, r.getOops().getSignature()));
                    Map<String, Sent> byName = new LinkedHashMap<>();
                    plan.forEach(s -> byName.put(s.name(), s));
                    String a = sig.get(byName.get("d1").dumpId());
                    String b = sig.get(byName.get("d3").dumpId());
                    assertFalse(a.equals(b), "the hard lockup has another signature than the sysrq panics");
                    assertEquals("kernel panic: Hard LOCKUP", reports.get(byName.get("d3").dumpId()).getOops().getTitle());
                    assertEquals("kernel panic: sysrq triggered crash", reports.get(byName.get("d1").dumpId()).getOops().getTitle());

                    // groups: each field against what was sent
                    Thread.sleep(3000); // a re-sent dump would show up as a change within this
                    Map<String, CrashGroup> latest = groupTopic.latestByKey();
                    assertEquals(Set.of(a, b), latest.keySet());
                    for (String s : List.of(a, b)) {
                        assertGroupMatches(latest.get(s), plan, reports, sig, s);
                    }

                    // alerts: exactly these, each once
                    Map<String, CrashAlert> alerts = alertTopic.awaitCount(7, Duration.ofSeconds(30));
                    assertEquals(expectedAlerts(byName, reports, a, b), alertKeys(alerts.values()));
                    CrashAlert spike = alerts.values().stream().filter(x -> x.getKind() == AlertKind.SPIKE).findFirst().get();
                    assertEquals(3L, spike.getDayCount());
                    assertEquals(0.0, spike.getBaseline());
                    assertEquals("2026-10-21", spike.getDay());

                    // Elasticsearch: one group document per signature, one alert document per alert; search finds groups
                    ElasticsearchClient es = EsClients.connect(TestElasticsearch.uri());
                    try {
                        awaitCount(es, indices.crashGroups(), 2);
                        awaitCount(es, indices.crashAlerts(), 7);
                        awaitCount(es, indices.crashReports(), distinct.size());
                        awaitGroupDocCount(es, indices, a, latest.get(a).getCount());
                        CrashSearch.Results found = new CrashSearch(es, indices).search(a, 10);
                        assertEquals(1, found.groups().total());
                        assertEquals(latest.get(a).getCount(), found.groups().documents().get(0).at("/group/count").asLong());
                    } finally {
                        EsClients.close(es);
                    }

                    // top crashers, through the command line
                    String url = TestElasticsearch.uri().toString();
                    JsonNode week = top(url, prefix, "--since", "7d", "--until", "2026-10-23T00:00:00Z");
                    assertEquals(2, week.size());
                    assertTop(week.get(0), a, 4, 0, false, 4, "2026-10-01T00:00:00Z", "2026-10-22T01:00:00Z");
                    assertTop(week.get(1), b, 1, 0, false, 1, "2026-10-02T01:00:00Z", "2026-10-22T00:00:00Z");
                    assertEquals(releases(reports, byName, "d4", "d5", "d6", "d8"), texts(week.get(0).get("kernel_releases")));
                    JsonNode first = top(url, prefix, "--since", "2d", "--until", "2026-10-03T00:00:00Z");
                    assertEquals(2, first.size());
                    assertTop(first.get(0), a, 2, 0, true, 2, "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
                    assertTop(first.get(1), b, 1, 0, true, 1, "2026-10-02T01:00:00Z", "2026-10-02T01:00:00Z");
                    String release61 = reports.get(byName.get("d1").dumpId()).getKernelRelease();
                    JsonNode onRelease = top(url, prefix, "--since", "30d", "--until", "2026-10-23T00:00:00Z",
                            "--release", release61, "--host-glob", "web-*");
                    assertEquals(1, onRelease.size());
                    assertTop(onRelease.get(0), a, 3, 0, true, 2, "2026-10-01T00:00:00Z", "2026-10-21T02:00:00Z");
                    JsonNode changed = top(url, prefix, "--since", "20d", "--until", "2026-10-22T00:00:00Z");
                    assertTop(changed.get(0), a, 4, 1, false, 4, "2026-10-01T00:00:00Z", "2026-10-21T02:00:00Z");
                    // b's first dump (10-02 01:00) falls in this period: NEW
                    assertTop(changed.get(1), b, 1, 0, true, 1, "2026-10-02T01:00:00Z", "2026-10-02T01:00:00Z");
                    CliRun text = CliRun.of("top", "--url", url, "--index-prefix", prefix, "--since", "7d", "--until",
                            "2026-10-23T00:00:00Z");
                    assertEquals(0, text.exitCode(), text.err());
                    System.out.println(text.out());

                    // the webhook got every alert, at least once, with its idempotency key (the first call failed with 503)
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (distinctKeys(webhookCalls).size() < 7 && System.nanoTime() < deadline) {
                        Thread.sleep(200);
                    }
                    assertEquals(alerts.keySet(), distinctKeys(webhookCalls));
                    assertTrue(webhookRequests.get() > webhookCalls.size(), "the refused first call was retried");

                    // replay with a bumped parser version: every report again, no count moves, no alert
                    Map<String, CrashGroup> before = groupTopic.latestByKey();
                    Replay.run(topo.withParserVersion("0.99.0").withApplicationId(Replay.freshApplicationId("0.99.0")),
                            Duration.ofMinutes(10), line -> { });
                    deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                    Map<String, CrashGroup> after = groupTopic.latestByKey();
                    while (!after.values().stream().allMatch(g -> g.getLatest().getParserVersion().equals("0.99.0"))
                            && System.nanoTime() < deadline) {
                        Thread.sleep(500);
                        after = groupTopic.latestByKey();
                    }
                    Thread.sleep(3000);
                    after = groupTopic.latestByKey();
                    for (String s : List.of(a, b)) {
                        assertEquals("0.99.0", after.get(s).getLatest().getParserVersion());
                        assertEquals(counts(before.get(s)), counts(after.get(s)), "group " + s + " after the replay");
                    }
                    assertEquals(alerts.keySet(), alertTopic.latestByKey().keySet(), "the replay raised no alert");
                    // 8 joins, then 8 leaves and 8 rejoins from the replay
                    assertEquals(24, groups.changes());
                    JsonNode replayed = top(url, prefix, "--since", "7d", "--until", "2026-10-23T00:00:00Z");
                    assertEquals(week, replayed);
                }
            }
        } finally {
            webhook.stop(0);
        }
    }

    /** The dumps, in the order sent: times and hosts chosen so that every alert kind happens once or more. */
    private static List<Sent> plan(Path work) throws IOException {
        Path k61 = variant("6.1-kdump-sysrq", "vmcore.zstd-d31");
        Path q510 = variant("5.10-qemu-sysrq", "vmcore.zlib-d31");
        Path lockup = hardLockup(variant("6.1-qemu-sysrq", "vmcore.zlib-d31"), work.resolve("6.1-lockup.kdump"));
        Path q612 = variant("6.12-qemu-sysrq", "vmcore.zstd-d31");
        Path s61 = shrink(variant("6.1-qemu-sysrq", "vmcore.zlib-d31"), work.resolve("6.1-qemu.shrunk"));
        Path s612 = shrink(variant("6.12-qemu-sysrq", "vmcore.zstd-d31"), work.resolve("6.12.shrunk"));
        Path sk61 = shrink(k61, work.resolve("6.1-kdump.shrunk"));
        Path lockup2 = padded(lockup, work.resolve("lockup-other-host.kdump"));
        Duration day = Duration.ofDays(1);
        Duration hour = Duration.ofHours(1);
        return List.of(
                sent("d1", k61, "web-1", T0),                                   // NEW_SIGNATURE a
                sent("d2", q510, "web-2", T0.plus(day)),                        // FIRST_ON_RELEASE a 5.10
                sent("d3", lockup, "db-1", T0.plus(day).plus(hour)),              // NEW_SIGNATURE b
                sent("d4", s61, "web-3", T0.plus(day.multipliedBy(20))),        // BACK_AFTER_QUIET a (19 days)
                sent("d5", s612, "web-4", T0.plus(day.multipliedBy(20)).plus(hour)),          // FIRST_ON_RELEASE a 6.12
                sent("d6", sk61, "web-1", T0.plus(day.multipliedBy(20)).plus(hour.multipliedBy(2))), // SPIKE a: 3 that day
                sent("d7", lockup2, "db-2", T0.plus(day.multipliedBy(21))),        // BACK_AFTER_QUIET b (20 days)
                sent("d8", q612, "web-5", T0.plus(day.multipliedBy(21)).plus(hour))); // nothing: release known, day quiet
    }

    private static Set<String> expectedAlerts(Map<String, Sent> s, Map<String, CrashReport> reports, String a, String b) {
        return new TreeSet<>(List.of(
                "NEW_SIGNATURE " + a + " " + s.get("d1").dumpId(),
                "FIRST_ON_RELEASE " + a + " " + s.get("d2").dumpId(),
                "NEW_SIGNATURE " + b + " " + s.get("d3").dumpId(),
                "BACK_AFTER_QUIET " + a + " " + s.get("d4").dumpId(),
                "FIRST_ON_RELEASE " + a + " " + s.get("d5").dumpId(),
                "SPIKE " + a + " " + s.get("d6").dumpId(),
                "BACK_AFTER_QUIET " + b + " " + s.get("d7").dumpId()));
    }

    private static Set<String> alertKeys(java.util.Collection<CrashAlert> alerts) {
        return alerts.stream().map(x -> x.getKind() + " " + x.getSignature() + " " + x.getDumpId())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void assertGroupMatches(CrashGroup g, List<Sent> plan, Map<String, CrashReport> reports,
            Map<String, String> sig, String signature) {
        List<Sent> in = plan.stream().filter(s -> sig.get(s.dumpId()).equals(signature)).toList();
        assertEquals(in.size(), g.getCount(), "count of " + signature);
        assertEquals(in.stream().map(Sent::time).min(Instant::compareTo).get(), g.getFirstSeen());
        assertEquals(in.stream().map(Sent::time).max(Instant::compareTo).get(), g.getLastSeen());
        Set<String> hosts = in.stream().map(Sent::host).collect(Collectors.toSet());
        assertEquals(hosts.size(), g.getHosts().getCount());
        assertTrue(g.getHosts().getExact());
        assertEquals(hosts, Set.copyOf(g.getHosts().getSample()));
        Map<String, List<Sent>> perRelease = new TreeMap<>();
        in.forEach(s -> perRelease.computeIfAbsent(reports.get(s.dumpId()).getKernelRelease(), k -> new ArrayList<>()).add(s));
        assertEquals(perRelease.keySet(), g.getKernelReleases().stream().map(ReleaseSeen::getRelease).collect(Collectors.toSet()));
        for (ReleaseSeen r : g.getKernelReleases()) {
            List<Sent> on = perRelease.get(r.getRelease());
            assertEquals(on.size(), r.getCount(), r.getRelease());
            assertEquals(on.stream().map(Sent::time).min(Instant::compareTo).get(), r.getFirstSeen(), r.getRelease());
            assertEquals(on.stream().map(Sent::time).max(Instant::compareTo).get(), r.getLastSeen(), r.getRelease());
        }
        Sent newest = in.stream().max((x, y) -> x.time().compareTo(y.time())).get();
        assertEquals(newest.dumpId(), g.getLatest().getDumpId());
        assertEquals(newest.host(), g.getLatest().getHostname());
        assertEquals(newest.dumpId(), g.getExampleDumpIds().get(0));
        assertEquals(Math.min(5, in.size()), g.getExampleDumpIds().size());
        assertEquals(reports.get(newest.dumpId()).getOops().getTitle(), g.getTitle());
    }

    private static List<Object> counts(CrashGroup g) {
        return List.of(g.getCount(), g.getFirstSeen(), g.getLastSeen(), g.getHosts().getCount(), g.getHosts().getSample(),
                g.getKernelReleases().stream().map(r -> r.getRelease() + "/" + r.getCount() + "/" + r.getFirstSeen() + "/"
                        + r.getLastSeen()).toList(), g.getExampleDumpIds(), g.getLatest().getDumpId());
    }

    private static void assertTop(JsonNode t, String signature, long count, long previous, boolean isNew, long hosts,
            String firstSeen, String lastSeen) {
        assertEquals(signature, t.get("signature").asText(), t.toString());
        assertEquals(count, t.get("count").asLong(), t.toString());
        assertEquals(previous, t.get("previous_count").asLong(), t.toString());
        assertEquals(isNew, t.get("new").asBoolean(), t.toString());
        assertEquals(hosts, t.get("hosts").asLong(), t.toString());
        assertEquals(firstSeen, t.get("first_seen").asText(), t.toString());
        assertEquals(lastSeen, t.get("last_seen").asText(), t.toString());
        assertTrue(t.get("kernel_releases").isArray() && !t.get("title").asText().isEmpty(), t.toString());
    }

    private static JsonNode top(String url, String prefix, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("top", "--json", "--url", url, "--index-prefix", prefix));
        a.addAll(List.of(args));
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return Json.MAPPER.readTree(r.out());
    }

    private static List<String> releases(Map<String, CrashReport> reports, Map<String, Sent> s, String... names) {
        return new TreeSet<>(java.util.Arrays.stream(names).map(n -> reports.get(s.get(n).dumpId()).getKernelRelease()).toList())
                .stream().toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> distinctKeys(List<Map.Entry<String, String>> calls) {
        return calls.stream().map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static Path variant(String dir, String file) {
        return Fixtures.dir(dir).resolve(file);
    }

    private static Path shrink(Path from, Path to) throws IOException {
        try (Dump d = Dumps.open(from)) {
            KdumpWriter.write(d, HotPages.of(d), to);
        }
        return to;
    }

    /**
     * Another crash kind made from a fixture: the shrunk dump with the panic record's message
     * "sysrq triggered crash" overwritten in place by "Hard LOCKUP" padded to the same length, so
     * the record's text length and the ring's layout stay valid and only the title changes.
     */
    private static Path hardLockup(Path from, Path to) throws IOException {
        byte[] find = "not syncing: sysrq triggered crash".getBytes(StandardCharsets.US_ASCII);
        byte[] with = "not syncing: Hard LOCKUP          ".getBytes(StandardCharsets.US_ASCII);
        try (Dump d = Dumps.open(from)) {
            DamagedDump patched = new DamagedDump(d);
            int ps = d.header().pageSize();
            byte[] page = new byte[ps];
            byte[] next = new byte[ps];
            List<Long> present = new ArrayList<>();
            for (long pfn : HotPages.of(d)) {
                present.add(pfn);
            }
            int found = 0;
            for (long pfn : present) {
                d.readPage(pfn, page);
                java.util.Arrays.fill(next, (byte) 0);
                d.readPage(pfn + 1, next); // a message may run into the next page
                byte[] two = new byte[2 * ps];
                System.arraycopy(page, 0, two, 0, ps);
                System.arraycopy(next, 0, two, ps, ps);
                for (int at = 0; at < ps; at++) {
                    if (java.util.Arrays.equals(two, at, at + find.length, find, 0, find.length)) {
                        for (int i = 0; i < with.length; i++) {
                            patched.patch(pfn * ps + at + i, new byte[] {with[i]});
                        }
                        found++;
                    }
                }
            }
            assertTrue(found > 0, "no panic record reading 'sysrq triggered crash' in " + from);
            return patched.write(to);
        }
    }

    /**
     * Another dump of the same crash: the same pages with a page of padding after them, so its content
     * id differs (the dump id is derived from the file's size and ends) while every analysis reads the same.
     */
    private static Path padded(Path from, Path to) throws IOException {
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(to, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        return to;
    }

    private static Sent sent(String name, Path file, String host, Instant time) throws IOException {
        return new Sent(name, file, DumpId.of(file), host, time);
    }

    /** Metadata, page chunks and seal of the dump, as the agent would send them, under the identity chosen. */
    private static void send(LocalKafka kafka, EventSerde serde, Sent s) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_EVENT_BYTES);
        try (Dump dump = Dumps.open(s.file());
                var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            DumpMetadata meta = MetadataBuilder.build(s.dumpId(), FoundDump.single(s.file()), dump, "fleet-it");
            meta = DumpMetadata.newBuilder(meta)
                    .setHost(HostIdentity.newBuilder(meta.getHost()).setHostname(s.host()).build())
                    .setVmcoreinfo(withCrashTime(meta.getVmcoreinfo(), s.time()))
                    .build();
            producer.send(new ProducerRecord<>(Topics.DUMP_META.name(), s.dumpId(),
                    serde.serialize(Topics.DUMP_META.name(), meta))).get();
            var result = DumpSplitter.split(s.dumpId(), dump, SplitOrder.pfn(), seq -> false, chunk -> {
                try {
                    producer.send(new ProducerRecord<>(Topics.DUMP_PAGES.name(), s.dumpId(),
                            serde.serialize(Topics.DUMP_PAGES.name(), DumpSplitter.compress(chunk))));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            producer.send(new ProducerRecord<>(Topics.DUMP_PAGES.name(), s.dumpId(),
                    serde.serialize(Topics.DUMP_PAGES.name(), result.sealed()))).get();
        }
    }

    /** VMCOREINFO's CRASHTIME (seconds) is what sys, and so the report, take as the crash time. */
    private static String withCrashTime(String vmcoreinfo, Instant t) {
        String kept = vmcoreinfo.lines().filter(l -> !l.startsWith("CRASHTIME=")).collect(Collectors.joining("\n"));
        return kept + "\nCRASHTIME=" + t.getEpochSecond() + "\n";
    }

    private static void awaitGroupedDumps(Topic<CrashGroup> groups, long dumps, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            long n = groups.latestByKey().values().stream().mapToLong(CrashGroup::getCount).sum();
            if (n == dumps) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("groups do not count " + dumps + " dumps 3 min after " + name + " was sent");
    }

    private static void awaitCount(ElasticsearchClient es, String index, long n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long c = -1;
        while (System.nanoTime() < deadline) {
            try {
                es.indices().refresh(r -> r.index(index));
                c = es.count(r -> r.index(index)).count();
                if (c == n) {
                    return;
                }
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                // not created yet, or its shard not active yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError(index + " holds " + c + " documents, expected " + n);
    }

    private static void awaitGroupDocCount(ElasticsearchClient es, SinkIndices indices, String signature, long count)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var doc = es.get(g -> g.index(indices.crashGroups()).id(signature), ObjectNode.class);
            if (doc.found() && doc.source().at("/group/count").asLong() == count) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the group document of " + signature + " never showed count " + count);
    }

    /** A webhook that refuses its very first call with 503 and records every other one with its Idempotency-Key. */
    private static HttpServer webhook(List<Map.Entry<String, String>> calls, AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int n = requests.incrementAndGet();
            int status = n == 1 ? 503 : 204;
            if (status == 204) {
                calls.add(Map.entry(ex.getRequestHeaders().getFirst(WebhookNotifier.IDEMPOTENCY_HEADER), body));
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    /** Reads a result topic (committed records only) from the start, decoding with the registry. */
    static final class Topic<T extends org.apache.avro.specific.SpecificRecord> implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final EventSerde serde;
        private final Class<T> type;
        private final Map<String, T> latest = new ConcurrentHashMap<>();

        Topic(LocalKafka kafka, EventSerde serde, String topic, Class<T> type) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "fleet-it-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_EVENT_BYTES);
            this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            this.consumer.subscribe(List.of(topic));
            this.serde = serde;
            this.type = type;
        }

        Map<String, T> latestByKey() throws IOException {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                latest.put(r.key(), serde.deserialize(r.value(), type));
            }
            return new HashMap<>(latest);
        }

        Map<String, T> awaitKeys(Set<String> keys, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!latestByKey().keySet().containsAll(keys)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not every key arrived: " + keys + " vs " + latest.keySet());
                }
            }
            return latestByKey();
        }

        Map<String, T> awaitCount(int n, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (latestByKey().size() < n && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            return latestByKey();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
