package io.crashpipe.cli.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.crashpipe.agent.DumpWatcher;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.cli.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe up}: the whole local pipeline in the foreground until Ctrl-C / SIGTERM. */
@Command(name = "up", header = "The whole pipeline on loopback, in the foreground, until Ctrl-C.", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on loopback, in the foreground: a single-node Kafka broker (KRaft), the",
            "schema registry, the ingest gateway, an Elasticsearch node, the analysis topology and the index sink;",
            "with --watch DIR also an agent uploading every finished dump that appears in DIR.",
            "Prints one line starting 'crashpipe ready' when every service answers; Ctrl-C or SIGTERM stops",
            "everything cleanly. The development token is kept in HOME/dev-token."})
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--home", description = "state directory (Kafka log, ES data, topology state, token); default $CRASHPIPE_HOME or ~/.crashpipe")
    Path home;

    @Option(names = "--gateway-port", defaultValue = "" + LocalStack.DEFAULT_GATEWAY_PORT)
    int gatewayPort;

    @Option(names = "--registry-port", defaultValue = "" + LocalStack.DEFAULT_REGISTRY_PORT)
    int registryPort;

    @Option(names = "--kafka-port", defaultValue = "" + LocalStack.DEFAULT_KAFKA_PORT)
    int kafkaPort;

    @Option(names = "--es-port", defaultValue = "" + LocalStack.DEFAULT_ES_PORT)
    int esPort;

    @Option(names = "--ingest-only", description = "only Kafka, the registry and the gateway (no Elasticsearch, topology or sink)")
    boolean ingestOnly;

    @Option(names = "--watch", paramLabel = "DIR", description = "also run an agent on this crash directory (kdump-tools YYYYMMDDHHMM/dump.* or RHEL HOST-DATE/vmcore layout)")
    Path watch;

    @Option(names = "--quiet-period", defaultValue = "5",
            description = {"with --watch: a dump written in place under its final name counts as finished when unmodified for this",
                "many seconds; a dump renamed into place (kdump-tools, RHEL kdump) goes at once (default: ${DEFAULT-VALUE})"})
    long quietPeriod;

    @Option(names = "--scan-interval", defaultValue = "10",
            description = "with --watch: seconds between full rescans and upload retries; file-system events are handled at once (default: ${DEFAULT-VALUE})")
    long scanInterval;

    @Option(names = "--no-hot-pages", description = "with --watch: send pages in pfn order instead of the analysed pages first")
    boolean noHotPages;

    @Option(names = "--bandwidth", paramLabel = "SIZE", defaultValue = "0", converter = Sizes.Converter.class,
            description = "with --watch: the agent's upload cap in bytes/s (K/M/G suffixes; default 0 = none)")
    long bandwidth;

    @Option(names = "--chunk-cache", paramLabel = "SIZE", defaultValue = "64M", converter = Sizes.Converter.class,
            description = "topology: memory for decoded page chunks, whatever the dump size (default: ${DEFAULT-VALUE})")
    long chunkCache;

    @Option(names = "--rocksdb-memory", paramLabel = "SIZE", defaultValue = "64M", converter = Sizes.Converter.class,
            description = "topology: block cache and write buffers of all its state stores together (default: ${DEFAULT-VALUE})")
    long rocksDbMemory;

    @Option(names = "--purge-grace", paramLabel = "MINUTES", defaultValue = "10",
            description = "topology: keep a finished dump's state this long after its report (default: ${DEFAULT-VALUE})")
    long purgeGraceMinutes;

    @Option(names = "--stall-timeout", paramLabel = "MINUTES", defaultValue = "10",
            description = "topology: report a dump partial when its events stop this long before its seal (default: ${DEFAULT-VALUE})")
    long stallTimeoutMinutes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = home != null ? home : LocalStack.home();
        var err = spec.commandLine().getErr();
        if (watch != null && !Files.isDirectory(watch)) {
            throw new java.io.IOException(watch + ": --watch needs a directory");
        }
        LocalStack stack = LocalStack.start(dir,
                new LocalStack.Options(kafkaPort, registryPort, gatewayPort, esPort, !ingestOnly,
                        t -> t.withMemory(chunkCache,
                                rocksDbMemory)
                                .withTimeouts(Duration.ofMinutes(purgeGraceMinutes), Duration.ofMinutes(stallTimeoutMinutes))),
                m -> {
                    err.println("crashpipe: " + m);
                    err.flush();
                });
        Thread agent = null;
        if (watch != null) {
            UploadOptions options = UploadOptions.defaults(stack.gatewayUri(), LocalStack.devToken(dir),
                    dir.resolve("agent-state")).withHotPagesFirst(!noHotPages)
                    .withBandwidth(bandwidth);
            agent = new Thread(new DumpWatcher(watch, Duration.ofSeconds(quietPeriod), options,
                    Duration.ofSeconds(scanInterval), o -> AgentCommand.report(err, o)), "crashpipe-agent");
            agent.setDaemon(true);
            agent.start();
        }
        Thread agentThread = agent;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (agentThread != null) {
                agentThread.interrupt();
            }
            stack.close();
            err.println("crashpipe stopped");
            err.flush();
            stopped.countDown();
        }, "crashpipe-up-stop"));
        StringBuilder ready = new StringBuilder("crashpipe ready gateway=").append(stack.gatewayUri())
                .append(" registry=").append(stack.registryUri()).append(" kafka=").append(stack.kafkaBootstrap());
        stack.elasticsearchUri().ifPresent(u -> ready.append(" elasticsearch=").append(u));
        if (watch != null) {
            ready.append(" watching=").append(watch.toAbsolutePath());
        }
        ready.append(" token-file=").append(LocalStack.tokenFile(dir));
        spec.commandLine().getOut().println(ready);
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
