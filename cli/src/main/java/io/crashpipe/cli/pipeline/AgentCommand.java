package io.crashpipe.cli.pipeline;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.crashpipe.agent.DumpWatcher;
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

    @Option(names = "--interval", defaultValue = "30", description = "seconds between scans (default: ${DEFAULT-VALUE})")
    long interval;

    @Option(names = "--quiet-period", defaultValue = "60",
            description = "a dump counts as finished when unmodified for this many seconds (default: ${DEFAULT-VALUE})")
    long quietPeriod;

    @Option(names = "--once", description = "scan once, upload, and exit")
    boolean once;

    @Mixin
    UploadCommand.AgentOptions agent = new UploadCommand.AgentOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DumpWatcher watcher = new DumpWatcher(watch, Duration.ofSeconds(quietPeriod), agent.toOptions(),
                Duration.ofSeconds(interval), o -> report(err, o));
        if (once) {
            watcher.scanOnce();
        } else {
            watcher.run();
        }
        return 0;
    }

    static void report(PrintWriter err, DumpWatcher.Outcome o) {
        switch (o) {
            case DumpWatcher.Outcome.Uploaded u -> err.printf("uploaded %s as %s: %d chunks, %d bytes%n",
                    u.dump().file(), u.result().dumpId(), u.result().sealed().getChunkCount(), u.result().bytesSent());
            case DumpWatcher.Outcome.Failed f -> err.printf("crashpipe agent: %s: %s%n", f.dump().file(), f.reason());
        }
        err.flush();
    }
}
