package io.crashpipe.cli.serve;

import io.crashpipe.cli.Sizes;
import io.crashpipe.metrics.MetricsEndpoint;
import io.crashpipe.metrics.ServiceMetrics;
import io.crashpipe.parsers.ParsersVersion;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.topology.DumpAnalysisApp;
import io.crashpipe.topology.groups.GroupsApp;
import io.crashpipe.topology.groups.GroupsConfig;
import io.crashpipe.topology.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe serve topology}: the Kafka Streams analysis application. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        header = "The analysis topology (Kafka Streams): rebuilds each dump as it arrives, emits its report.")
public final class ServeTopology implements Callable<Integer> {
    @Mixin
    KafkaOption kafka = new KafkaOption();

    @Mixin
    RegistryOption registry = new RegistryOption();

    @Option(names = "--state-dir", defaultValue = "${env:CRASHPIPE_STATE_DIR:-/var/lib/crashpipe/streams}",
            description = "local state (RocksDB; restored from the changelogs when lost) ($CRASHPIPE_STATE_DIR; default ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--application-id", defaultValue = "${env:CRASHPIPE_APPLICATION_ID:-" + TopologyConfig.DEFAULT_APPLICATION_ID + "}",
            description = "Kafka Streams application id ($CRASHPIPE_APPLICATION_ID; default ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--chunk-cache", converter = Sizes.Converter.class, defaultValue = "${env:CRASHPIPE_CHUNK_CACHE:-64M}",
            description = "memory for decoded page chunks ($CRASHPIPE_CHUNK_CACHE; default ${DEFAULT-VALUE})")
    long chunkCache;

    @Option(names = "--rocksdb-memory", converter = Sizes.Converter.class, defaultValue = "${env:CRASHPIPE_ROCKSDB_MEMORY:-64M}",
            description = "RocksDB block cache and write buffers, all stores ($CRASHPIPE_ROCKSDB_MEMORY; default ${DEFAULT-VALUE})")
    long rocksDbMemory;

    @Option(names = "--purge-grace", defaultValue = "${env:CRASHPIPE_PURGE_GRACE_MINUTES:-10}",
            description = "minutes a finished dump's state is kept ($CRASHPIPE_PURGE_GRACE_MINUTES; default ${DEFAULT-VALUE})")
    long purgeGraceMinutes;

    @Option(names = "--stall-timeout", defaultValue = "${env:CRASHPIPE_STALL_TIMEOUT_MINUTES:-10}",
            description = "minutes without events before an unsealed dump is reported partial ($CRASHPIPE_STALL_TIMEOUT_MINUTES; default ${DEFAULT-VALUE})")
    long stallTimeoutMinutes;

    @Option(names = "--replication-factor", defaultValue = "${env:CRASHPIPE_REPLICATION_FACTOR:-3}",
            description = "of the changelog topics ($CRASHPIPE_REPLICATION_FACTOR; default ${DEFAULT-VALUE})")
    int replicationFactor;

    @Option(names = "--partitions", defaultValue = "${env:CRASHPIPE_PARTITIONS:-6}",
            description = "partitions of the keyed topics when they are created: the most topology instances that share"
                    + " the work ($CRASHPIPE_PARTITIONS; default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--standby-replicas", defaultValue = "${env:CRASHPIPE_STANDBY_REPLICAS:-1}",
            description = "warm copies of each task's state on other instances, for a failover without restoring"
                    + " ($CRASHPIPE_STANDBY_REPLICAS; default ${DEFAULT-VALUE})")
    int standbyReplicas;

    @Option(names = "--threads", defaultValue = "${env:CRASHPIPE_STREAM_THREADS:-1}",
            description = "stream threads of this instance ($CRASHPIPE_STREAM_THREADS; default ${DEFAULT-VALUE})")
    int threads;

    @Mixin
    MetricsOption metrics = new MetricsOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TopologyConfig config = TopologyConfig.local(kafka.bootstrap, registry.url, stateDir).withApplicationId(applicationId)
                .withMemory(chunkCache, rocksDbMemory)
                .withTimeouts(Duration.ofMinutes(purgeGraceMinutes), Duration.ofMinutes(stallTimeoutMinutes))
                .withReplicationFactor(replicationFactor).withStandbyReplicas(standbyReplicas).withThreads(threads);
        // the pipeline's topics, with their settings, if the deployment has not made them (Strimzi does)
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
        try (Admin a = Admin.create(admin)) {
            TopicAdmin.ensure(a, Topics.ALL, (short) replicationFactor, partitions);
        }
        ServiceMetrics.install(); // before the apps start, so their Streams binders bind
        DumpAnalysisApp analysis = DumpAnalysisApp.start(config, Duration.ofMinutes(5));
        // the groups aggregation (crash-groups, crash-alerts) runs beside it under its own, fixed application id
        GroupsApp groups;
        try {
            groups = GroupsApp.start(GroupsConfig.local(kafka.bootstrap, registry.url, stateDir)
                    .withReplicationFactor(replicationFactor), Duration.ofMinutes(5));
        } catch (java.io.IOException | RuntimeException e) {
            analysis.close();
            throw e;
        }
        MetricsEndpoint endpoint = metrics.start(new MetricsEndpoint.Probes(
                () -> alive(analysis.state()) && alive(groups.state()),
                () -> analysis.state() == KafkaStreams.State.RUNNING && groups.state() == KafkaStreams.State.RUNNING));
        Foreground.hold(() -> {
            if (endpoint != null) {
                endpoint.close();
            }
            groups.close();
            analysis.close();
        }, "crashpipe ready topology=" + applicationId + " parser=" + ParsersVersion.CURRENT
                + " kafka=" + kafka.bootstrap + MetricsOption.describe(endpoint), spec.commandLine().getOut(),
                spec.commandLine().getErr());
        return 0;
    }

    /** Streams replaces a failed thread itself; only a client that stopped for good needs a restart. */
    private static boolean alive(KafkaStreams.State s) {
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR && s != KafkaStreams.State.NOT_RUNNING;
    }
}
