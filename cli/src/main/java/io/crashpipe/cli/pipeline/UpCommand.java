package io.crashpipe.cli.pipeline;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe up}: the local stack in the foreground until Ctrl-C / SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run a single-node Kafka broker (KRaft), the schema registry and the ingest gateway on loopback,",
            "in the foreground. Prints one line starting 'crashpipe ready' when every service answers;",
            "Ctrl-C or SIGTERM stops everything cleanly. The development token is kept in HOME/dev-token."})
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--home", description = "state directory (Kafka log, token); default $CRASHPIPE_HOME or ~/.crashpipe")
    Path home;

    @Option(names = "--gateway-port", defaultValue = "" + LocalStack.DEFAULT_GATEWAY_PORT)
    int gatewayPort;

    @Option(names = "--registry-port", defaultValue = "" + LocalStack.DEFAULT_REGISTRY_PORT)
    int registryPort;

    @Option(names = "--kafka-port", defaultValue = "" + LocalStack.DEFAULT_KAFKA_PORT)
    int kafkaPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = home != null ? home : LocalStack.home();
        LocalStack stack = LocalStack.start(dir, kafkaPort, registryPort, gatewayPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            spec.commandLine().getErr().println("crashpipe stopped");
            spec.commandLine().getErr().flush();
            stopped.countDown();
        }, "crashpipe-up-stop"));
        spec.commandLine().getOut().println("crashpipe ready gateway=" + stack.gatewayUri() + " registry=" + stack.registryUri()
                + " kafka=" + stack.kafkaBootstrap() + " token-file=" + LocalStack.tokenFile(dir));
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
