package io.crashpipe.topology.groups;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the groups aggregation runs. Its application id stays the same across parser versions and
 * replays (unlike the analysis topology's replay), so its per-dump memory sees every newer report
 * and moves counts instead of counting a dump twice.
 */
public record GroupsConfig(String bootstrapServers, URI registry, String applicationId, Path stateDir, AlertRules rules,
        int replicationFactor) {
    public static final String DEFAULT_APPLICATION_ID = "crashpipe-groups";

    public static GroupsConfig local(String bootstrapServers, URI registry, Path stateDir) {
        return new GroupsConfig(bootstrapServers, registry, DEFAULT_APPLICATION_ID, stateDir, AlertRules.DEFAULT, 1);
    }

    public GroupsConfig withApplicationId(String id) {
        return new GroupsConfig(bootstrapServers, registry, id, stateDir, rules, replicationFactor);
    }

    public GroupsConfig withRules(AlertRules r) {
        return new GroupsConfig(bootstrapServers, registry, applicationId, stateDir, r, replicationFactor);
    }

    public GroupsConfig withReplicationFactor(int f) {
        return new GroupsConfig(bootstrapServers, registry, applicationId, stateDir, rules, f);
    }

    Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 4L << 20);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // crash reports can be several MiB (task tables): fetch few at a time
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 8 * 1024 * 1024);
        return p;
    }
}
