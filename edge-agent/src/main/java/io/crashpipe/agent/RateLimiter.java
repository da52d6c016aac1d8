package io.crashpipe.agent;

/** A token bucket over bytes per second (one second of burst); 0 means unlimited. */
public final class RateLimiter {
    private final long bytesPerSecond;
    private double tokens;
    private long last = System.nanoTime();

    public RateLimiter(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    /** Blocks until {@code bytes} may be sent. */
    public synchronized void acquire(long bytes) throws InterruptedException {
        if (bytesPerSecond <= 0) {
            return;
        }
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(bytesPerSecond, tokens + (now - last) / 1e9 * bytesPerSecond);
            last = now;
            if (tokens >= Math.min(bytes, bytesPerSecond)) {
                tokens -= bytes; // may go negative for a payload above the burst: paid back by waiting
                return;
            }
            long waitNanos = (long) ((Math.min(bytes, bytesPerSecond) - tokens) / bytesPerSecond * 1e9);
            wait(Math.max(1, waitNanos / 1_000_000), 0);
        }
    }
}
