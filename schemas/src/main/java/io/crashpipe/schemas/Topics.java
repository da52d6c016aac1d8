package io.crashpipe.schemas;

import java.util.List;
import java.util.Map;

/**
 * Every Kafka topic of the pipeline with its settings, in one place. Events of one dump share
 * the dump id as key, so they land in one partition, in order.
 */
public final class Topics {
    private Topics() {}

    /** A topic and the settings it is created with. */
    public record TopicSpec(String name, int partitions, Map<String, String> config) {
        /** Whether its partition count follows the deployment's (keyed topics), rather than being fixed at 1. */
        public boolean scalable() {
            return partitions == INGEST_PARTITIONS;
        }

        public TopicSpec withPartitions(int n) {
            return new TopicSpec(name, n, config);
        }
    }

    /**
     * Partitions of the keyed topics unless the deployment says otherwise ({@link #scaled}). Both
     * ingest topics must have the same count: the topology joins a dump's metadata and its pages
     * in one task, which needs them co-partitioned (same key, same partition number).
     */
    public static final int INGEST_PARTITIONS = 6;

    /**
     * How long a dump's events are kept, for replay. Metadata and pages share it (and a one-day
     * segment, so neither outlives the other by more than that): a replay never meets metadata
     * whose pages expired, which would report a complete dump as partial.
     */
    public static final long INGEST_RETENTION_MS = 14L * 24 * 3600 * 1000;
    private static final String INGEST_SEGMENT_MS = String.valueOf(24L * 3600 * 1000);

    /**
     * DumpMetadata; compacted (the latest metadata of a dump is all that matters) and deleted with
     * the dump's pages.
     */
    public static final TopicSpec DUMP_META = new TopicSpec("dump-meta", INGEST_PARTITIONS, Map.of(
            "cleanup.policy", "compact,delete",
            "retention.ms", String.valueOf(INGEST_RETENTION_MS),
            "segment.ms", INGEST_SEGMENT_MS,
            "max.message.bytes", String.valueOf(8 * 1024 * 1024)));

    /** PageChunk then DumpSealed; kept for replay (re-analysis by a new parser version). */
    public static final TopicSpec DUMP_PAGES = new TopicSpec("dump-pages", INGEST_PARTITIONS, Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(INGEST_RETENTION_MS),
            "segment.ms", INGEST_SEGMENT_MS,
            "compression.type", "producer",
            "max.message.bytes", String.valueOf(2 * 1024 * 1024)));

    /** Where the embedded registry keeps schemas, as Confluent's registry does. */
    public static final TopicSpec SCHEMAS = new TopicSpec("_schemas", 1, Map.of("cleanup.policy", "compact"));

    public static final List<TopicSpec> INGEST = List.of(DUMP_META, DUMP_PAGES);

    /** CrashReport, one per dump and parser version; compacted: the latest report of a dump is what counts. */
    public static final TopicSpec CRASH_REPORTS = new TopicSpec("crash-reports", INGEST_PARTITIONS, Map.of(
            "cleanup.policy", "compact",
            "max.message.bytes", String.valueOf(8 * 1024 * 1024)));

    /** KernelLogLine, one per log record, keyed by dump id; kept as long as the pages. */
    public static final TopicSpec KERNEL_LOG = new TopicSpec("kernel-log", INGEST_PARTITIONS, Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(14L * 24 * 3600 * 1000)));

    /**
     * Records a consumer could not use (undecodable events, documents Elasticsearch refuses), with
     * headers naming where they came from and why; never consumed automatically.
     */
    public static final TopicSpec DEAD_LETTERS = new TopicSpec("dead-letters", 1, Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(30L * 24 * 3600 * 1000),
            "max.message.bytes", String.valueOf(8 * 1024 * 1024)));

    public static final List<TopicSpec> RESULTS = List.of(CRASH_REPORTS, KERNEL_LOG, DEAD_LETTERS);

    /** CrashGroup, keyed by signature; compacted: the latest record of a signature is the group (a KTable). */
    public static final TopicSpec CRASH_GROUPS = new TopicSpec("crash-groups", INGEST_PARTITIONS, Map.of(
            "cleanup.policy", "compact"));

    /** CrashAlert, keyed by the alert id (its idempotency key); kept 30 days for the notifier and the index. */
    public static final TopicSpec CRASH_ALERTS = new TopicSpec("crash-alerts", 1, Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(30L * 24 * 3600 * 1000)));

    public static final List<TopicSpec> FLEET = List.of(CRASH_GROUPS, CRASH_ALERTS);

    /** Every topic the pipeline needs (the registry creates {@link #SCHEMAS} itself). */
    public static final List<TopicSpec> ALL = List.of(DUMP_META, DUMP_PAGES, CRASH_REPORTS, KERNEL_LOG, DEAD_LETTERS,
            CRASH_GROUPS, CRASH_ALERTS);

    /** {@code specs} with every keyed topic at {@code partitions} partitions (single-partition topics stay so). */
    public static List<TopicSpec> scaled(List<TopicSpec> specs, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions >= 1, got " + partitions);
        }
        return specs.stream().map(t -> t.scalable() ? t.withPartitions(partitions) : t).toList();
    }

    /** The largest event a producer may send (a metadata event carries VMCOREINFO and dmesg text). */
    public static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;
}
