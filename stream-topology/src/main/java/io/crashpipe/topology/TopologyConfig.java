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
 * never by dump size. Made with {@link #local} and changed with {@link #toBuilder()} (or the
 * {@code with...} shorthands), so a new setting is one builder field, not one more copy of the
 * constructor call per setter.
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
 * @param replay a re-analysis of the retained topics: a dump whose pages are no longer all there
 *     (retention deleted them while its metadata stayed) is skipped and said so, never reported
 *     partial, since its earlier report was made with every page
 */
public record TopologyConfig(String bootstrapServers, URI registry, String applicationId, String parserVersion,
        Path stateDir, long chunkCacheBytes, long rocksDbMemoryBytes, Duration purgeGrace, Duration stallTimeout,
        int threads, int replicationFactor, int standbyReplicas, int maxBlockedTraces, boolean replay) {

    public static final String DEFAULT_APPLICATION_ID = "crashpipe-topology";

    /** Defaults for one machine: 64 MiB of chunks, 64 MiB for RocksDB, 10 min grace and stall timeout. */
    public static TopologyConfig local(String bootstrapServers, URI registry, Path stateDir) {
        return new Builder(bootstrapServers, registry, stateDir).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public TopologyConfig withApplicationId(String id) {
        return toBuilder().applicationId(id).build();
    }

    public TopologyConfig withParserVersion(String version) {
        return toBuilder().parserVersion(version).build();
    }

    public TopologyConfig withMemory(long chunkCache, long rocksDb) {
        return toBuilder().chunkCacheBytes(chunkCache).rocksDbMemoryBytes(rocksDb).build();
    }

    public TopologyConfig withStateDir(Path dir) {
        return toBuilder().stateDir(dir).build();
    }

    /** Several replicas also get a standby replica (at least one), so a failover need not restore first. */
    public TopologyConfig withReplicationFactor(int factor) {
        return toBuilder().replicationFactor(factor).standbyReplicas(factor > 1 ? Math.max(1, standbyReplicas) : standbyReplicas)
                .build();
    }

    public TopologyConfig withTimeouts(Duration grace, Duration stall) {
        return toBuilder().purgeGrace(grace).stallTimeout(stall).build();
    }

    public TopologyConfig withStandbyReplicas(int n) {
        return toBuilder().standbyReplicas(n).build();
    }

    public TopologyConfig withThreads(int n) {
        return toBuilder().threads(n).build();
    }

    public TopologyConfig withMaxBlockedTraces(int max) {
        return toBuilder().maxBlockedTraces(max).build();
    }

    /** This configuration as a replay: a fresh application id for {@code version}, dumps with expired pages skipped. */
    public TopologyConfig asReplay(String version) {
        return toBuilder().parserVersion(version).applicationId(Replay.freshApplicationId(version)).replay(true).build();
    }

    /** The settings one at a time; unset ones keep {@link #local}'s defaults. */
    public static final class Builder {
        private final String bootstrapServers;
        private final URI registry;
        private String applicationId = DEFAULT_APPLICATION_ID;
        private String parserVersion = ParsersVersion.CURRENT;
        private Path stateDir;
        private long chunkCacheBytes = 64L << 20;
        private long rocksDbMemoryBytes = 64L << 20;
        private Duration purgeGrace = Duration.ofMinutes(10);
        private Duration stallTimeout = Duration.ofMinutes(10);
        private int threads = 1;
        private int replicationFactor = 1;
        private int standbyReplicas;
        private int maxBlockedTraces = BacktraceExtractor.DEFAULT_MAX_BLOCKED;
        private boolean replay;

        public Builder(String bootstrapServers, URI registry, Path stateDir) {
            this.bootstrapServers = bootstrapServers;
            this.registry = registry;
            this.stateDir = stateDir;
        }

        private Builder(TopologyConfig c) {
            this(c.bootstrapServers, c.registry, c.stateDir);
            applicationId = c.applicationId;
            parserVersion = c.parserVersion;
            chunkCacheBytes = c.chunkCacheBytes;
            rocksDbMemoryBytes = c.rocksDbMemoryBytes;
            purgeGrace = c.purgeGrace;
            stallTimeout = c.stallTimeout;
            threads = c.threads;
            replicationFactor = c.replicationFactor;
            standbyReplicas = c.standbyReplicas;
            maxBlockedTraces = c.maxBlockedTraces;
            replay = c.replay;
        }

        public Builder applicationId(String v) {
            applicationId = v;
            return this;
        }

        public Builder parserVersion(String v) {
            parserVersion = v;
            return this;
        }

        public Builder stateDir(Path v) {
            stateDir = v;
            return this;
        }

        public Builder chunkCacheBytes(long v) {
            chunkCacheBytes = v;
            return this;
        }

        public Builder rocksDbMemoryBytes(long v) {
            rocksDbMemoryBytes = v;
            return this;
        }

        public Builder purgeGrace(Duration v) {
            purgeGrace = v;
            return this;
        }

        public Builder stallTimeout(Duration v) {
            stallTimeout = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder replicationFactor(int v) {
            replicationFactor = v;
            return this;
        }

        public Builder standbyReplicas(int v) {
            standbyReplicas = v;
            return this;
        }

        public Builder maxBlockedTraces(int v) {
            maxBlockedTraces = v;
            return this;
        }

        public Builder replay(boolean v) {
            replay = v;
            return this;
        }

        public TopologyConfig build() {
            return new TopologyConfig(bootstrapServers, registry, applicationId, parserVersion, stateDir, chunkCacheBytes,
                    rocksDbMemoryBytes, purgeGrace, stallTimeout, threads, replicationFactor, standbyReplicas,
                    maxBlockedTraces, replay);
        }
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
