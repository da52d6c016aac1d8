package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.wire.EventSerde;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real broker: {@code dump-meta} and {@code dump-pages} expire segment by segment,
 * so a dump's metadata can outlive its pages. Expiry is made here as the broker makes it, by
 * moving the pages partition's start offset ({@code deleteRecords}). A replay then skips the dump
 * and says so, instead of reporting it partial over its complete report.
 */
class ReplayExpiredPagesIT {

    @Test
    void aReplayAfterThePagesExpiredReportsNothingAndNamesTheDumpItSkipped() throws Exception {
        DumpEvents dump = DumpEvents.of(DumpEvents.SAMPLE);
        try (LocalKafka kafka = LocalKafka.startTemporary();
                EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(),
                        new InetSocketAddress("127.0.0.1", 0));
                Admin admin = kafka.admin()) {
            TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
            List<RecordMetadata> at = IngestTopics.produce(kafka, dump.dumpId(), IngestTopics.wire(dump, serde));
            TopologyConfig live = TopologyConfig.local(kafka.bootstrapServers(), registry.uri(),
                    Files.createTempDirectory("crashpipe-replay-it")).withApplicationId("live-" + UUID.randomUUID());
            try (DumpAnalysisApp app = DumpAnalysisApp.start(live, Duration.ofMinutes(2))) {
                CrashReport report = IngestTopics.await(kafka, serde, Topics.CRASH_REPORTS.name(), dump.dumpId(),
                        CrashReport.class, Duration.ofSeconds(120));
                assertTrue(report.getSections().stream().allMatch(s -> s.getComplete()), report.getSections().toString());
            }

            // The oldest segment of the pages went: the hot chunks, sent first. Metadata, the rest and the seal stay.
            RecordMetadata firstCold = at.get(1 + dump.hotChunks());
            expire(admin, firstCold.partition(), firstCold.offset());
            Replay.Result partly = Replay.run(live.asReplay("0.2.0").withStateDir(Files.createTempDirectory("replay-a")),
                    Duration.ofMinutes(5), m -> {});
            assertEquals(0, partly.reports(), "no partial report to replace the complete one");
            assertEquals(1, partly.skipped());
            assertEquals(List.of(), partly.unfinished());
            List<ConsumerRecord<String, byte[]>> dead = IngestTopics.read(kafka, Topics.DEAD_LETTERS.name(), Duration.ofSeconds(3));
            assertEquals(1, dead.size());
            String reason = new String(dead.getFirst().headers().lastHeader(DeadLetterHeaders.ERROR).value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains(dump.dumpId()) && reason.contains(dump.hotChunks() + " of its "
                    + dump.chunks().size() + " page chunks are no longer in dump-pages"), reason);

            // Then every page and the seal went; the metadata stayed (its segment was still open).
            RecordMetadata seal = at.getLast();
            expire(admin, seal.partition(), seal.offset() + 1);
            Replay.Result none = Replay.run(live.asReplay("0.2.1").withStateDir(Files.createTempDirectory("replay-b")),
                    Duration.ofMinutes(5), m -> {});
            assertEquals(0, none.reports());
            assertEquals(List.of(dump.dumpId()), none.unfinished(), "named as not re-analysed");
            assertEquals(1, IngestTopics.count(kafka, Topics.CRASH_REPORTS.name(), Duration.ofSeconds(3)),
                    "only the original report");
        }
    }

    private static void expire(Admin admin, int partition, long before) throws Exception {
        admin.deleteRecords(Map.of(new TopicPartition(Topics.DUMP_PAGES.name(), partition),
                RecordsToDelete.beforeOffset(before))).all().get();
    }
}
