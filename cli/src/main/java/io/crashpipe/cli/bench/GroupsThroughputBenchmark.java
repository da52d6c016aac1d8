package io.crashpipe.cli.bench;

import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.results.ReportTimings;
import io.crashpipe.schemas.results.SysSummary;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.topology.groups.GroupsApp;
import io.crashpipe.topology.groups.GroupsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
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

/**
 * Harness for bench/groups.sh: on a real in-process KRaft broker, writes {@code -Dreports=N}
 * crash reports (-Dsignatures, -Dhosts, -Dreleases; signatures skewed like a fleet's, a few
 * hot), then times (1) a plain read_committed consumer decoding them all (the baseline: what
 * reading the topic costs), (2) the groups aggregation from an empty state until every report
 * is counted, (3) the same reports again from a newer parser (a replay: every dump regrouped).
 */
public final class GroupsThroughputBenchmark {
    private GroupsThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("reports", 20_000);
        int signatures = Integer.getInteger("signatures", 200);
        int hosts = Integer.getInteger("hosts", 2_000);
        int releases = Integer.getInteger("releases", 8);
        Path work = Files.createTempDirectory("crashpipe-bench-groups");
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            try (EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0))) {
                EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
                produce(kafka, serde, n, signatures, hosts, releases, "1.0.0");
                System.out.printf(Locale.ROOT, "%d crash reports, %d signatures, %d hosts, %d kernel releases%n", n,
                        signatures, hosts, releases);
                double baseline = consume(kafka, serde, n);
                System.out.printf(Locale.ROOT, "baseline, read_committed consumer decoding every report: %.0f reports/s%n", baseline);
                GroupsConfig config = GroupsConfig.local(kafka.bootstrapServers(), registry.uri(), work.resolve("streams"))
                        .withApplicationId("bench-groups-" + UUID.randomUUID());
                try (Committed groups = new Committed(kafka);
                        GroupsApp app = GroupsApp.start(config, Duration.ofMinutes(2))) {
                    double first = groups.await(n, n);
                    System.out.printf(Locale.ROOT, "groups aggregation, new dumps:              %.0f reports/s (%.2f of the baseline)%n",
                            first, first / baseline);
                    produce(kafka, serde, n, signatures, hosts, releases, "1.1.0");
                    double replay = groups.await(3L * n, n); // each dump: leave and rejoin
                    System.out.printf(Locale.ROOT, "groups aggregation, replay by a newer parser: %.0f reports/s (%.2f of the baseline)%n",
                            replay, replay / baseline);
                }
            }
        }
    }

    private static void produce(LocalKafka kafka, EventSerde serde, int n, int signatures, int hosts, int releases,
            String parser) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        Random rnd = new Random(42);
        Instant t0 = Instant.parse("2026-09-01T00:00:00Z");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                // a few signatures crash most: the square of a uniform draw skews towards 0
                int sig = (int) (Math.pow(rnd.nextDouble(), 2) * signatures);
                String dumpId = String.format(Locale.ROOT, "%032x", i);
                String release = "6." + (rnd.nextInt(releases)) + ".0-1-amd64";
                CrashReport r = CrashReport.newBuilder()
                        .setDumpId(dumpId).setParserVersion(parser).setHostname("host-" + rnd.nextInt(hosts))
                        .setKernelRelease(release).setKernelVersion("#1 SMP").setCrashTime(t0.plusSeconds(60L * i))
                        .setSys(SysSummary.newBuilder().setCpus(2).setCpusOnline(2).setDateSource("CRASHTIME")
                                .setNodename("h").setRelease(release).setVersion("#1 SMP").setMachine("x86_64").build())
                        .setOops(OopsReport.newBuilder().setTitle("BUG: bench crash " + sig + " in frame_" + sig)
                                .setType("BUG").setFrame("frame_" + sig).setSignature(String.format(Locale.ROOT, "%032x", sig))
                                .build())
                        .setSections(List.of())
                        .setTimings(ReportTimings.newBuilder().setAnalysisMillis(1).setPasses(1).build())
                        .build();
                producer.send(new ProducerRecord<>(Topics.CRASH_REPORTS.name(), dumpId,
                        serde.serialize(Topics.CRASH_REPORTS.name(), r)));
            }
            producer.flush();
        }
    }

    private static double consume(LocalKafka kafka, EventSerde serde, int n) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-baseline-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long t0 = System.nanoTime();
        int seen = 0;
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.CRASH_REPORTS.name()));
            while (seen < n) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    serde.deserialize(r.value(), CrashReport.class);
                    seen++;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Counts the group records committed to {@code crash-groups} (one per change applied): only
     * committed transactions count, so a task that failed and re-ran is not counted twice.
     */
    private static final class Committed implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private long records;

        Committed(LocalKafka kafka) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-committed-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(Topics.CRASH_GROUPS.name()));
        }

        /** Reports per second from now until {@code total} group records in all are committed. */
        double await(long total, int reports) {
            long t0 = System.nanoTime();
            while (records < total) {
                records += consumer.poll(Duration.ofMillis(100)).count();
            }
            return reports / ((System.nanoTime() - t0) / 1e9);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
