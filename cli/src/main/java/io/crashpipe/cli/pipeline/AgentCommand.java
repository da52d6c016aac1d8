package io.crashpipe.cli.pipeline;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.crashpipe.agent.Checkpoint;
import io.crashpipe.agent.DumpFinder;
import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.Progress;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.UploadResult;
import io.crashpipe.agent.Uploader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe agent --watch DIR}: the host daemon; uploads each finished dump once. */
@Command(name = "agent", mixinStandardHelpOptions = true,
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
        UploadOptions options = agent.toOptions();
        DumpFinder finder = new DumpFinder(Duration.ofSeconds(quietPeriod));
        PrintWriter err = spec.commandLine().getErr();
        while (true) {
            for (FoundDump d : finder.find(watch)) {
                try {
                    if (Checkpoint.open(options.stateDir(), DumpId.of(d.file())).sealed()) {
                        continue;
                    }
                    UploadResult r = new Uploader(options).upload(d, Progress.NONE);
                    err.printf("uploaded %s as %s: %d chunks, %d bytes%n", d.file(), r.dumpId(),
                            r.sealed().getChunkCount(), r.bytesSent());
                } catch (java.io.IOException e) {
                    // One bad dump or an unreachable gateway must not stop the daemon: next scan retries.
                    err.printf("crashpipe agent: %s: %s%n", d.file(), e.getMessage());
                }
                err.flush();
            }
            if (once) {
                return 0;
            }
            Thread.sleep(Duration.ofSeconds(interval).toMillis());
        }
    }
}
