package io.crashpipe.cli.serve;

import io.crashpipe.metrics.ServiceMetrics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe serve registry}: the Confluent-compatible schema registry on a {@code _schemas} topic. */
@Command(name = "registry", mixinStandardHelpOptions = true,
        header = "The schema registry (Confluent REST API), schemas kept in the compacted _schemas topic.")
public final class ServeRegistry implements Callable<Integer> {
    @Mixin
    KafkaOption kafka = new KafkaOption();

    @Option(names = "--port", defaultValue = "${env:CRASHPIPE_REGISTRY_PORT:-8081}",
            description = "HTTP port on all interfaces ($CRASHPIPE_REGISTRY_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--replication-factor", defaultValue = "${env:CRASHPIPE_REPLICATION_FACTOR:-3}",
            description = {"replicas of _schemas when the registry creates it (at most the brokers there are; its",
                "min.insync.replicas is then 2, or 1 on one broker) ($CRASHPIPE_REPLICATION_FACTOR; default ${DEFAULT-VALUE})"})
    short replicationFactor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServiceMetrics.install();
        EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrap, new InetSocketAddress(port), replicationFactor);
        Foreground.hold(registry, "crashpipe ready registry=" + registry.uri() + " kafka=" + kafka.bootstrap,
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
