package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.SectionStatus;
import io.crashpipe.schemas.wire.EventSerde;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** What happens to a dump's state over time, on a real KRaft broker: stall reports and purging. */
class DumpLifecycleIT {

    @Test
    void aDumpWhoseEventsStopBeforeItsSealIsReportedPartialNamingAPageAndThenPurged() throws Exception {
        Fixtures.assumeAvailable("this test");
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            try (EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(),
                    new InetSocketAddress("127.0.0.1", 0))) {
                EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
                TopologyConfig config = TopologyConfig.local(kafka.bootstrapServers(), registry.uri(),
                                Files.createTempDirectory("crashpipe-lifecycle"))
                        .withApplicationId("lifecycle-" + UUID.randomUUID())
                        .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2));
                try (DumpAnalysisApp app = DumpAnalysisApp.start(config, Duration.ofMinutes(2))) {
                    DumpMetadata meta;
                    try (Dump dump = Dumps.open(file)) {
                        meta = MetadataBuilder.build(DumpId.of(file), FoundDump.single(file), dump, "test");
                    }
                    // the agent died after the metadata: no chunk, no seal, ever
                    IngestTopics.produce(kafka, meta.getDumpId(), List.of(new IngestTopics.Out(Topics.DUMP_META.name(),
                            serde.serialize(Topics.DUMP_META.name(), meta))));

                    CrashReport report = IngestTopics.await(kafka, serde, Topics.CRASH_REPORTS.name(), meta.getDumpId(),
                            CrashReport.class, Duration.ofSeconds(90));
                    assertEquals(Sections.ALL.stream().map(Extractor::section).toList(),
                            report.getSections().stream().map(SectionStatus::getName).toList());
                    for (SectionStatus s : report.getSections()) {
                        assertFalse(s.getComplete(), s.getName() + " cannot be complete without pages");
                        assertFalse(s.getNote().isEmpty(), s.getName() + " says why");
                    }
                    // What stopped the analysis is named: a page the dump lacks for good.
                    assertTrue(report.getSections().stream().anyMatch(s -> s.getNote().contains("pfn 0x")
                            && s.getNote().contains("excluded")), report.getSections().toString());
                    assertEquals(0, report.getTimings().getChunksSeen());
                    assertEquals(null, report.getTimings().getSealed());

                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (app.dumpsInState() > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(250);
                    }
                    assertEquals(0, app.dumpsInState(), "the reported dump's state is purged after the 3 s grace");
                }
            }
        }
    }
}
