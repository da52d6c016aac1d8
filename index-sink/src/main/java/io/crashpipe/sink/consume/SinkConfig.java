package io.crashpipe.sink.consume;

import io.crashpipe.sink.LogRetention;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.BulkSink;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the {@link ResultSink} is told. The topics it reads and dead-letters into are the
 * pipeline's ({@link io.crashpipe.schemas.Topics}) and must exist.
 *
 * @param bootstrapServers the Kafka cluster the result topics live in
 * @param registry the Confluent-compatible schema registry the topology registered its schemas in
 * @param elasticsearch where the documents go
 * @param indices the two indices written (their templates are installed on start)
 * @param groupId the consumer group; its committed offsets are what the sink has acknowledged
 * @param bulk how the Elasticsearch writer batches and retries
 * @param maxInFlightRecords above this many records taken from Kafka and not yet acknowledged, the
 *     consumer pauses its partitions (and resumes below half of it)
 * @param maxInFlightBytes the same bound on those records' value bytes, so large crash reports
 *     cannot fill the heap
 * @param commitInterval how often acknowledged offsets are committed
 * @param closeTimeout how long {@link ResultSink#close()} waits for outstanding acknowledgements;
 *     what is still unacknowledged then stays uncommitted and is read again on the next start
 * @param logRetention how long the dated kernel-log indices are kept (an ILM policy where the
 *     cluster has ILM, else the sink deletes them)
 */
public record SinkConfig(
        String bootstrapServers,
        URI registry,
        URI elasticsearch,
        SinkIndices indices,
        String groupId,
        BulkSink.Settings bulk,
        int maxInFlightRecords,
        long maxInFlightBytes,
        Duration commitInterval,
        Duration closeTimeout,
        LogRetention logRetention) {

    public static final String DEFAULT_GROUP_ID = "crashpipe-index-sink";
    /** Records one poll may return; the writer must take that many beyond the in-flight bound. */
    static final int MAX_POLL_RECORDS = 500;

    public SinkConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(elasticsearch, "elasticsearch");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(bulk, "bulk");
        Objects.requireNonNull(logRetention, "logRetention");
        if (maxInFlightRecords < 1 || maxInFlightBytes < 1) {
            throw new IllegalArgumentException("in-flight bounds must be positive, were " + maxInFlightRecords
                    + " records and " + maxInFlightBytes + " bytes");
        }
        // The poll thread pauses at the in-flight bound, so submitting to the writer never blocks it.
        if (bulk.maxPending() < maxInFlightRecords + MAX_POLL_RECORDS) {
            throw new IllegalArgumentException("bulk.maxPending (" + bulk.maxPending()
                    + ") must be at least maxInFlightRecords (" + maxInFlightRecords + ") + " + MAX_POLL_RECORDS
                    + " (one poll)");
        }
    }

    /** The defaults for the local stack: default indices and group, bounds fit for a 512 MiB heap. */
    public static SinkConfig local(String bootstrap, URI registry, URI es) {
        return new SinkConfig(bootstrap, registry, es, SinkIndices.DEFAULT, DEFAULT_GROUP_ID, BulkSink.Settings.DEFAULT,
                5_000, 32L << 20, Duration.ofSeconds(1), Duration.ofSeconds(30), LogRetention.DEFAULT);
    }

    public SinkConfig withIndices(SinkIndices i) {
        return new SinkConfig(bootstrapServers, registry, elasticsearch, i, groupId, bulk, maxInFlightRecords,
                maxInFlightBytes, commitInterval, closeTimeout, logRetention);
    }

    public SinkConfig withLogRetention(LogRetention r) {
        return new SinkConfig(bootstrapServers, registry, elasticsearch, indices, groupId, bulk, maxInFlightRecords,
                maxInFlightBytes, commitInterval, closeTimeout, r);
    }

    public SinkConfig withGroupId(String g) {
        return new SinkConfig(bootstrapServers, registry, elasticsearch, indices, g, bulk, maxInFlightRecords,
                maxInFlightBytes, commitInterval, closeTimeout, logRetention);
    }
}
