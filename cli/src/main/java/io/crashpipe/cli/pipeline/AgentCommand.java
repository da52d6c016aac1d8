package io.crashpipe.cli.pipeline;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.crashpipe.agent.AgentHost;
import io.crashpipe.agent.AgentMeters;
import io.crashpipe.agent.DumpWatcher;
import io.crashpipe.metrics.MetricsEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe agent --watch DIR}: the host daemon; uploads each finished dump once. */
@Command(name = "agent", header = "Watch a crash directory and upload every finished dump.", mixinStandardHelpOptions = true,
        description = {"Watch a crash directory (kdump-tools YYYYMMDDHHMM/dump.* or RHEL HOST-DATE/vmcore layouts)",
            "and upload every finished dump, resuming interrupted uploads. Never deletes dumps."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--watch", required = true, description = "crash directory, e.g. /var/crash")
    Path watch;

    @Option(names = "--interval", defaultValue = "30",
            description = "seconds between full rescans and upload retries; file-system events are handled at once (default: ${DEFAULT-VALUE})")
    long interval;

    @Option(names = "--quiet-period", defaultValue = "60",
            description = {"a dump written in place under its final name counts as finished when unmodified for this many seconds;",
                "a dump renamed into place (kdump-tools dump-incomplete -> dump.STAMP, RHEL vmcore-incomplete -> vmcore)",
                "goes at once (default: ${DEFAULT-VALUE})"})
    long quietPeriod;

    @Option(names = "--once", description = "scan once, upload, and exit")
    boolean once;

    @Mixin
    UploadCommand.AgentOptions agent = new UploadCommand.AgentOptions();

    @Option(names = "--node-name", defaultValue = "${env:CRASHPIPE_NODE_NAME}",
            description = {"the machine's name in each dump's metadata, e.g. a DaemonSet's spec.nodeName from the downward API",
                "($CRASHPIPE_NODE_NAME; default: the local hostname)"})
    String nodeName;

    @Option(names = "--machine-id-file", defaultValue = "${env:CRASHPIPE_MACHINE_ID_FILE:-/etc/machine-id}",
            description = {"the host's systemd machine id, e.g. the node's /etc/machine-id mounted read-only in a pod",
                "($CRASHPIPE_MACHINE_ID_FILE; default ${DEFAULT-VALUE})"})
    Path machineIdFile;

    @Option(names = "--metrics-port", defaultValue = "${env:CRASHPIPE_METRICS_PORT:--1}",
            description = {"port of GET /metrics, /healthz and /readyz on all interfaces; -1 for none",
                "($CRASHPIPE_METRICS_PORT; default ${DEFAULT-VALUE})"})
    int metricsPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DumpWatcher watcher = new DumpWatcher(watch, Duration.ofSeconds(quietPeriod),
                agent.toOptions().withHost(AgentHost.of(Optional.ofNullable(nodeName), machineIdFile)),
                Duration.ofSeconds(interval), o -> report(err, o));
        // alive while the watch loop runs; ready once the crash directory can be read
        try (MetricsEndpoint endpoint = metricsPort < 0 ? null : MetricsEndpoint.start(new InetSocketAddress(metricsPort),
                new MetricsEndpoint.Probes(() -> true, () -> Files.isReadable(watch)))) {
            if (once) {
                watcher.scanOnce();
            } else {
                watcher.run();
            }
        }
        return 0;
    }

    static void report(PrintWriter err, DumpWatcher.Outcome o) {
        switch (o) {
            case DumpWatcher.Outcome.Detected d ->
                err.printf("detected %s at %s: %s%n", d.dump().file(), d.at(), d.signal());
            case DumpWatcher.Outcome.Uploaded u -> {
                AgentMeters.uploaded(u.result());
                err.printf("uploaded %s as %s: %d chunks, %d bytes%n",
                    u.dump().file(), u.result().dumpId(), u.result().sealed().getChunkCount(), u.result().bytesSent());
            }
            case DumpWatcher.Outcome.Failed f -> {
                AgentMeters.failed();
                err.printf("crashpipe agent: %s: %s%n", f.dump().file(), f.reason());
            }
        }
        err.flush();
    }
}
