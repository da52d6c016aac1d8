package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.sink.write.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 4);

    @Test
    void doublesFromInitialAndCapsAtMax() {
        assertEquals(Duration.ofMillis(200), backoff.delayAfter(1));
        assertEquals(Duration.ofMillis(400), backoff.delayAfter(2));
        assertEquals(Duration.ofMillis(3200), backoff.delayAfter(5));
        assertEquals(Duration.ofSeconds(5), backoff.delayAfter(6));
        assertEquals(Duration.ofSeconds(5), backoff.delayAfter(500));
    }

    @Test
    void retriesUntilMaxAttempts() {
        assertTrue(backoff.mayRetryAfter(3));
        assertFalse(backoff.mayRetryAfter(4));
    }
}
