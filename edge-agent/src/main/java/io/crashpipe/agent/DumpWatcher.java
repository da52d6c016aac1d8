package io.crashpipe.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The agent's daemon loop: scan a crash directory, upload each finished dump not yet sealed
 * according to its checkpoint, sleep, repeat. One bad dump or an unreachable gateway is logged
 * and retried on the next scan; it never ends the loop.
 */
public final class DumpWatcher implements Runnable {
    /** What happened to one dump in a scan. */
    public sealed interface Outcome {
        FoundDump dump();

        record Uploaded(FoundDump dump, UploadResult result) implements Outcome {}

        record Failed(FoundDump dump, String reason) implements Outcome {}
    }

    private final Path directory;
    private final DumpFinder finder;
    private final UploadOptions options;
    private final Duration interval;
    private final Consumer<Outcome> listener;

    public DumpWatcher(Path directory, Duration quietPeriod, UploadOptions options, Duration interval,
            Consumer<Outcome> listener) {
        this.directory = directory;
        this.finder = new DumpFinder(quietPeriod);
        this.options = options;
        this.interval = interval;
        this.listener = listener;
    }

    /** One scan: uploads every finished dump whose upload is not sealed yet. */
    public void scanOnce() throws IOException, InterruptedException {
        for (FoundDump d : finder.find(directory)) {
            try {
                if (Checkpoint.open(options.stateDir(), DumpId.of(d.file())).sealed()) {
                    continue;
                }
                listener.accept(new Outcome.Uploaded(d, new Uploader(options).upload(d, Progress.NONE)));
            } catch (IOException | RuntimeException e) {
                listener.accept(new Outcome.Failed(d, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
    }

    /** Scans until interrupted. */
    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                scanOnce();
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // the directory itself is unreadable (unmounted, permissions): say so, try again later
                listener.accept(new Outcome.Failed(FoundDump.single(directory), e.getMessage()));
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
