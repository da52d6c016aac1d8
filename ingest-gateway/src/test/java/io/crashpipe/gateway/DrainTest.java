package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The drain wait of a graceful stop is the configured one: it ends early when all is answered, and at its deadline. */
class DrainTest {
    @Test
    void aDrainEndsAsSoonAsTheLastAdmittedRequestIsAnswered() throws Exception {
        GatewayState state = new GatewayState();
        AtomicLong inFlight = new AtomicLong(2);
        CompletableFuture.runAsync(() -> inFlight.addAndGet(-2), CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS));
        long t0 = System.nanoTime();
        assertTrue(Drain.await(state, inFlight, Duration.ofSeconds(30)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "did not wait for the deadline");
        assertTrue(state.draining(), "new events are refused from the first moment");
    }

    @Test
    void aDrainStopsWaitingAtItsConfiguredDeadline() throws Exception {
        AtomicLong stuck = new AtomicLong(1);
        long t0 = System.nanoTime();
        assertFalse(Drain.await(new GatewayState(), stuck, Duration.ofMillis(300)));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= Duration.ofMillis(300).toNanos(), "waited " + waited / 1_000_000 + " ms");
        assertTrue(waited < Duration.ofSeconds(10).toNanos(), "waited " + waited / 1_000_000 + " ms, not the old fixed 20 s");
        assertFalse(Drain.await(new GatewayState(), stuck, Duration.ZERO), "0: stop without waiting");
    }
}
