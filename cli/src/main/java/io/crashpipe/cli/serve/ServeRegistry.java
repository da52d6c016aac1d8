package io.crashpipe.cli.serve;

import io.crashpipe.schemas.registry.EmbeddedRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe serve registry}: the Confluent-compatible schema registry on a {@code _schemas} topic. */
@Command(name = "registry", mixinStandardHelpOptions = true,
        header = "The schema registry (Confluent REST API), schemas kept in the compacted _schemas topic.")
public final class ServeRegistry implements Callable<Integer> {
    @Option(names = "--kafka", defaultValue = "${env:CRASHPIPE_KAFKA:-127.0.0.1:9092}",
            description = "bootstrap servers ($CRASHPIPE_KAFKA; default ${DEFAULT-VALUE})")
    String kafka;

    @Option(names = "--port", defaultValue = "${env:CRASHPIPE_REGISTRY_PORT:-8081}",
            description = "HTTP port on all interfaces ($CRASHPIPE_REGISTRY_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EmbeddedRegistry registry = EmbeddedRegistry.start(kafka, new InetSocketAddress(port));
        Foreground.hold(registry, "crashpipe ready registry=" + registry.uri() + " kafka=" + kafka,
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
