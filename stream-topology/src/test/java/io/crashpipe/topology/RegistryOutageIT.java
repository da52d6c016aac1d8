package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.wire.EventSerde;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import io.crashpipe.topology.IngestTopics.Out;
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
            DumpEvents dump = DumpEvents.of(file);
            String id = dump.dumpId();
            EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
            int port = registry.uri().getPort();
            List<Out> events = IngestTopics.wire(dump, new EventSerde(new SchemaRegistryClient(registry.uri())));
            TopologyConfig config = TopologyConfig.local(kafka.bootstrapServers(), registry.uri(),
                            Files.createTempDirectory("crashpipe-outage"))
                    .withApplicationId("outage-" + UUID.randomUUID());
            try (DumpAnalysisApp app = DumpAnalysisApp.start(config, Duration.ofMinutes(2))) {
                IngestTopics.produce(kafka, id, events.subList(0, 1)); // the metadata, decoded while the registry answers
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (app.dumpsInState() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(1, app.dumpsInState(), "the topology took the metadata");
                registry.close(); // the registry goes away mid-upload: the pages' schema is new to the topology
                long outageStarted = System.nanoTime();
                IngestTopics.produce(kafka, id, events.subList(1, events.size()));
                long left = Duration.ofSeconds(OUTAGE_SECONDS).toNanos() - (System.nanoTime() - outageStarted);
                Thread.sleep(Math.max(0, left / 1_000_000));
                assertEquals(0, IngestTopics.count(kafka, Topics.DEAD_LETTERS.name(), Duration.ofSeconds(2)), "nothing dead-lettered during the outage");
                assertEquals(0, IngestTopics.count(kafka, Topics.CRASH_REPORTS.name(), Duration.ofSeconds(2)), "no report without the pages");
                try (EmbeddedRegistry back = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", port))) {
                    EventSerde reader = new EventSerde(new SchemaRegistryClient(back.uri()));
                    CrashReport report = IngestTopics.await(kafka, reader, Topics.CRASH_REPORTS.name(), id, CrashReport.class,
                            Duration.ofSeconds(180));
                    assertTrue(report.getTimings().getChunksSeen() > 0, "the chunks sent during the outage were analysed");
                    assertEquals(0, IngestTopics.count(kafka, Topics.DEAD_LETTERS.name(), Duration.ofSeconds(3)), "nothing dead-lettered");
                    assertEquals(1, IngestTopics.count(kafka, Topics.CRASH_REPORTS.name(), Duration.ofSeconds(3)), "one report");
                }
            }
        }
    }
}
