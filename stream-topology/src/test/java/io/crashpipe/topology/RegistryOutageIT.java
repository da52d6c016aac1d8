package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.DumpSplitter;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.agent.SplitOrder;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.wire.EventSerde;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
import org.junit.jupiter.api.Test;

/**
 * A schema registry stopped for 60 s (-Dcrashpipe.it.outageSeconds) in the middle of an upload:
 * the topology, started during the outage, must wait for it (decoding the events, registering
 * the result schemas), then report the dump once; nothing is dead-lettered.
 */
class RegistryOutageIT {
    static final int OUTAGE_SECONDS = Integer.getInteger("crashpipe.it.outageSeconds", 60);

    @Test
    void aRegistryOutageInTheMiddleOfAnUploadLosesAndDeadLettersNothing() throws Exception {
        Fixtures.assumeAvailable("this test");
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            String id = DumpId.of(file);
            List<Out> events = new ArrayList<>();
            EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
            int port = registry.uri().getPort();
            EventSerde agentSide = new EventSerde(new SchemaRegistryClient(registry.uri()));
            try (Dump dump = Dumps.open(file)) {
                DumpMetadata meta = MetadataBuilder.build(id, FoundDump.single(file), dump, "test");
                events.add(new Out(Topics.DUMP_META.name(), agentSide.serialize(Topics.DUMP_META.name(), meta)));
                DumpSplitter.Result r = DumpSplitter.split(id, dump, SplitOrder.forDump(dump, true), seq -> false,
                        (PageChunk c) -> events.add(new Out(Topics.DUMP_PAGES.name(),
                                agentSide.serialize(Topics.DUMP_PAGES.name(), DumpSplitter.compress(c)))));
                events.add(new Out(Topics.DUMP_PAGES.name(), agentSide.serialize(Topics.DUMP_PAGES.name(), r.sealed())));
            }
            TopologyConfig config = TopologyConfig.local(kafka.bootstrapServers(), registry.uri(),
                            Files.createTempDirectory("crashpipe-outage"))
                    .withApplicationId("outage-" + UUID.randomUUID());
            try (DumpAnalysisApp app = DumpAnalysisApp.start(config, Duration.ofMinutes(2))) {
                produce(kafka, id, events.subList(0, 1)); // the metadata, decoded while the registry answers
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (app.dumpsInState() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(1, app.dumpsInState(), "the topology took the metadata");
                registry.close(); // the registry goes away mid-upload: the pages' schema is new to the topology
                long outageStarted = System.nanoTime();
                produce(kafka, id, events.subList(1, events.size()));
                long left = Duration.ofSeconds(OUTAGE_SECONDS).toNanos() - (System.nanoTime() - outageStarted);
                Thread.sleep(Math.max(0, left / 1_000_000));
                assertEquals(0, count(kafka, Topics.DEAD_LETTERS.name(), Duration.ofSeconds(2)), "nothing dead-lettered during the outage");
                assertEquals(0, count(kafka, Topics.CRASH_REPORTS.name(), Duration.ofSeconds(2)), "no report without the pages");
                try (EmbeddedRegistry back = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", port))) {
                    EventSerde reader = new EventSerde(new SchemaRegistryClient(back.uri()));
                    CrashReport report = awaitReport(kafka, reader, id);
                    assertTrue(report.getTimings().getChunksSeen() > 0, "the chunks sent during the outage were analysed");
                    assertEquals(0, count(kafka, Topics.DEAD_LETTERS.name(), Duration.ofSeconds(3)), "nothing dead-lettered");
                    assertEquals(1, count(kafka, Topics.CRASH_REPORTS.name(), Duration.ofSeconds(3)), "one report");
                }
            }
        }
    }

    /** One event as the gateway would publish it. */
    private record Out(String topic, byte[] value) {}

    private static void produce(LocalKafka kafka, String key, List<Out> events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_EVENT_BYTES);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (Out e : events) {
                producer.send(new ProducerRecord<>(e.topic(), key, e.value())).get();
            }
        }
    }

    private static long count(LocalKafka kafka, String topic, Duration wait) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long n = 0;
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                n += c.poll(Duration.ofMillis(250)).count();
            }
        }
        return n;
    }

    private static CrashReport awaitReport(LocalKafka kafka, EventSerde serde, String dumpId) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.CRASH_REPORTS.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (dumpId.equals(r.key())) {
                        return serde.deserialize(r.value(), CrashReport.class);
                    }
                }
            }
        }
        throw new AssertionError("no report for " + dumpId + " within 180 s of the registry's return");
    }
}
