package io.crashpipe.topology;

import io.crashpipe.parsers.ParsersVersion;
import io.crashpipe.parsers.extract.BacktraceExtractor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the analysis application runs. Memory is bounded by {@code chunkCacheBytes} (decoded page
 * chunks) and {@code rocksDbMemoryBytes} (block cache and memtables of every store together),
 * never by dump size.
 *
 * @param applicationId Kafka Streams application id; a replay uses a new one, so it re-reads the
 *     retained topics from the start
 * @param parserVersion stamped on every result; the sink keeps the newest version's result
 * @param purgeGrace how long a finished dump's state is kept (late re-uploads are then cheap)
 * @param stallTimeout a dump whose events stop before its seal is reported partial after this
 * @param replicationFactor of the internal changelog topics (1 on a single broker)
 * @param standbyReplicas warm copies of each task's stores on other instances, so a failover resumes at once
 *     instead of restoring the changelogs first (0 on one instance)
 * @param maxBlockedTraces backtraces of blocked (D-state) tasks per report at most; the report counts the rest
 */
public record TopologyConfig(String bootstrapServers, URI registry, String applicationId, String parserVersion,
        Path stateDir, long chunkCacheBytes, long rocksDbMemoryBytes, Duration purgeGrace, Duration stallTimeout,
        int threads, int replicationFactor, int standbyReplicas, int maxBlockedTraces) {

    public static final String DEFAULT_APPLICATION_ID = "crashpipe-topology";

    /** Defaults for one machine: 64 MiB of chunks, 64 MiB for RocksDB, 10 min grace and stall timeout. */
    public static TopologyConfig local(String bootstrapServers, URI registry, Path stateDir) {
        return new TopologyConfig(bootstrapServers, registry, DEFAULT_APPLICATION_ID, ParsersVersion.CURRENT, stateDir,
                64L << 20, 64L << 20, Duration.ofMinutes(10), Duration.ofMinutes(10), 1, 1, 0,
                BacktraceExtractor.DEFAULT_MAX_BLOCKED);
    }

    public TopologyConfig withApplicationId(String id) {
        return new TopologyConfig(bootstrapServers, registry, id, parserVersion, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, replicationFactor, standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withParserVersion(String version) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, version, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, replicationFactor, standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withMemory(long chunkCache, long rocksDb) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCache,
                rocksDb, purgeGrace, stallTimeout, threads, replicationFactor, standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withStateDir(Path dir) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, dir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, replicationFactor, standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withReplicationFactor(int factor) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, factor, factor > 1 ? Math.max(1, standbyReplicas) : standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withTimeouts(Duration grace, Duration stall) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, grace, stall, threads, replicationFactor, standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withStandbyReplicas(int n) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, replicationFactor, n, maxBlockedTraces);
    }

    public TopologyConfig withThreads(int n) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, n, replicationFactor, standbyReplicas, maxBlockedTraces);
    }

    public TopologyConfig withMaxBlockedTraces(int max) {
        return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCacheBytes,
                rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, replicationFactor, standbyReplicas, max);
    }

    Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        p.put(BoundedRocksDb.MEMORY_BYTES_CONFIG, rocksDbMemoryBytes);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 4L << 20);
        // An analysis pass can take seconds on a big kernel: keep the group membership and the
        // transaction alive through it instead of being fenced mid-dump.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), (int) Duration.ofMinutes(30).toMillis());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) Duration.ofMinutes(5).toMillis());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 * 1024 * 1024);
        return p;
    }
}
