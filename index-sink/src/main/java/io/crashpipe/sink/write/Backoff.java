package io.crashpipe.sink.write;

import java.time.Duration;

/**
 * Exponential backoff between attempts at one document: {@code initial}, doubled per attempt,
 * capped at {@code max}; after {@code maxAttempts} the writer gives the record back as failed.
 */
public record Backoff(Duration initial, Duration max, int maxAttempts) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 10);

    public Backoff {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
    public Duration delayAfter(int attempt) {
        int doublings = Math.min(attempt - 1, 30);
        long millis = initial.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    public boolean mayRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }
}
