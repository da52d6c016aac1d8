package io.crashpipe.cli.pipeline;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

import io.crashpipe.agent.Progress;
import io.crashpipe.agent.UploadResult;

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
final class ProgressBar implements Progress {
    private final PrintWriter err;
    private final String name;
    private final boolean enabled;
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long total = 1;
    private volatile long start = System.nanoTime();
    private volatile long lastDraw;

    ProgressBar(PrintWriter err, String name, boolean enabled) {
        this.err = err;
        this.name = name;
        this.enabled = enabled;
    }

    @Override
    public void started(String dumpId, long dumpedPages, int alreadySentChunks) {
        total = Math.max(1, dumpedPages);
        start = System.nanoTime();
    }

    @Override
    public void chunkAcknowledged(int sequence, long p, long wireBytes) {
        pages.addAndGet(p);
        bytes.addAndGet(wireBytes);
        long now = System.nanoTime();
        if (enabled && now - lastDraw > 100_000_000L) {
            lastDraw = now;
            draw(false);
        }
    }

    @Override
    public void finished(UploadResult result) {
        if (enabled) {
            draw(true);
        }
    }

    private synchronized void draw(boolean done) {
        double frac = done ? 1.0 : Math.min(1.0, pages.get() / (double) total);
        int width = 30;
        int filled = (int) (frac * width);
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        err.printf("\r%-24.24s [%s%s] %3d%% %7.1f MB/s sent%s", name, "#".repeat(filled), " ".repeat(width - filled),
                (int) (frac * 100), bytes.get() / secs / 1e6, done ? "\n" : "");
        err.flush();
    }
}
