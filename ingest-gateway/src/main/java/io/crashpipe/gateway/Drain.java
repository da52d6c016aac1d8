package io.crashpipe.gateway;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first step of a graceful stop: new events are refused from now on (503, and HTTP/1.1
 * connections closed after their answer), then the admitted ones get up to the drain timeout to be
 * acknowledged by Kafka and answered.
 */
final class Drain {
    private Drain() {}

    /** Starts draining and waits; true if every admitted request was answered within {@code timeout}. */
    static boolean await(GatewayState state, AtomicLong inFlightRequests, Duration timeout) throws InterruptedException {
        state.startDraining();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlightRequests.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(20, Math.max(1, left / 1_000_000)));
        }
        return true;
    }
}
