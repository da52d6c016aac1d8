package io.crashpipe.gateway;

/**
 * How long a client refused for saturation should wait: a slot frees when Kafka acknowledges an
 * admitted event, so the wait follows how long acknowledgements take now (a moving average).
 * A fixed second made a storm of agents come back every second while acknowledgements took
 * several (a broker election, a loaded machine): each came back to another 503, resent its 1 MiB
 * body for nothing, and used up its attempts in about 25 s and gave the upload up.
 */
final class RetryAfter {
    static final int MIN_SECONDS = 1;
    static final int MAX_SECONDS = 10;
    /** Weight of the newest acknowledgement in the average (about the last 20 count). */
    private static final double WEIGHT = 0.05;

    private double averageSeconds; // touched under this object's lock only
    private boolean seen;

    synchronized void acknowledged(double seconds) {
        averageSeconds = seen ? averageSeconds + WEIGHT * (seconds - averageSeconds) : seconds;
        seen = true;
    }

    /** Twice the recent acknowledgement time, rounded up, within [1, 10] seconds. */
    synchronized int seconds() {
        return (int) Math.max(MIN_SECONDS, Math.min(MAX_SECONDS, Math.ceil(2 * averageSeconds)));
    }
}
