package io.crashpipe.topology;

import io.crashpipe.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-analyses every dump still in the retained ingest topics with the current parsers: the
 * topology runs under a new application id, so it starts from the first offset with empty state,
 * and stops once it has consumed everything that was there when it started. Results carry the
 * replay's parser version; the sink lets the newest version replace older documents.
 *
 * <p>{@code dump-meta} and {@code dump-pages} share a retention, but they expire segment by segment,
 * so a dump's metadata can outlive some of its pages. The replay never reports such a dump: one
 * whose seal shows chunks missing, or whose events stop before the seal, is skipped and said so
 * (a warning, {@code crashpipe_topology_replay_skipped_total}, a dead letter naming the dump, and
 * the counts in {@link Result}), and its earlier report stays.
 */
public final class Replay {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private Replay() {}

    /**
     * What a replay did.
     *
     * @param skipped dumps given up because their seal shows chunks that are no longer retained
     * @param unfinished dumps whose events stop before their seal (pages and seal gone, or an upload
     *     that never finished): not re-analysed either
     */
    public record Result(String applicationId, long reports, long skipped, List<String> unfinished, long inputRecords,
            Duration took) {
        public Result {
            unfinished = List.copyOf(unfinished);
        }
    }

    /** An application id no earlier run used: {@code crashpipe-replay-<version>-<time>}. */
    public static String freshApplicationId(String parserVersion) {
        return "crashpipe-replay-" + parserVersion.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + LocalDateTime.now().format(STAMP);
    }

    public static Result run(TopologyConfig config, Duration timeout, Consumer<String> progress) throws IOException {
        long t0 = System.nanoTime();
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(ap)) {
            Map<TopicPartition, Long> target = endOffsets(admin);
            long input = target.values().stream().mapToLong(Long::longValue).sum();
            progress.accept("replaying " + input + " ingest records as " + config.applicationId() + " (parser "
                    + config.parserVersion() + ")");
            TopologyConfig replay = config.replay() ? config : config.toBuilder().replay(true).build();
            try (DumpAnalysisApp app = DumpAnalysisApp.start(replay, Duration.ofMinutes(2))) {
                long deadline = System.nanoTime() + timeout.toNanos();
                long lastReports = -1;
                while (!caughtUp(admin, config.applicationId(), target)) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("replay " + config.applicationId() + " did not catch up within "
                                + timeout.toMinutes() + " min (" + app.reported() + " reports so far); run it again"
                                + " with a longer --timeout, it starts over under a new id");
                    }
                    if (app.reported() != lastReports) {
                        lastReports = app.reported();
                        progress.accept(lastReports + " reports re-analysed");
                    }
                    sleep(Duration.ofMillis(500));
                }
                List<String> unfinished = app.unfinishedDumps();
                if (!unfinished.isEmpty()) {
                    LOG.warn("replay {}: {} dumps not re-analysed, their events end before the seal: {}",
                            config.applicationId(), unfinished.size(), unfinished);
                }
                return new Result(config.applicationId(), app.reported(), app.skipped(), unfinished, input,
                        Duration.ofNanos(System.nanoTime() - t0));
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws IOException {
        try {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (String topic : List.of(Topics.DUMP_META.name(), Topics.DUMP_PAGES.name())) {
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                        .forEach(p -> ask.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(ask).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            // A partition whose records all expired has nothing to consume, so the replay commits no
            // offset there: it must not wait for one.
            Map<TopicPartition, OffsetSpec> first = new HashMap<>();
            ask.keySet().forEach(tp -> first.put(tp, OffsetSpec.earliest()));
            admin.listOffsets(first).all().get().forEach((tp, info) -> {
                if (info.offset() >= out.get(tp)) {
                    out.put(tp, 0L);
                }
            });
            return out;
        } catch (ExecutionException e) {
            throw new IOException("reading the ingest topics' end offsets failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Every partition's committed offset has reached the end it had when the replay started. */
    private static boolean caughtUp(Admin admin, String groupId, Map<TopicPartition, Long> target) throws IOException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
                if (e.getValue() == 0) {
                    continue;
                }
                OffsetAndMetadata c = committed.get(e.getKey());
                if (c == null || c.offset() < e.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException e) {
            throw new IOException("reading the replay's committed offsets failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
