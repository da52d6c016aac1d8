package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CompletionTest {
    private static final Duration GRACE = Duration.ofMillis(200);
    private static final Duration QUIET = Duration.ofSeconds(60);
    private static final long MS = 1_000_000;

    @Test
    void aRenamedDumpThatStaysPutIsCompleteAfterTheGrace() {
        Completion c = new Completion(4096, 1000, 0);
        c.looked(4096, 1000, 100 * MS);
        assertEquals(100 * MS, c.remainingNanos(100 * MS, GRACE, QUIET));
        assertTrue(c.remainingNanos(200 * MS, GRACE, QUIET) <= 0);
        assertFalse(c.writtenInPlace());
    }

    @Test
    void aDumpThatGrowsIsWrittenInPlaceAndWaitsForTheQuietPeriodFromItsLastChange() {
        Completion c = new Completion(4096, 1000, 0);
        c.looked(8192, 1001, 150 * MS);
        assertTrue(c.writtenInPlace());
        assertEquals(QUIET.toNanos() - 50 * MS, c.remainingNanos(200 * MS, GRACE, QUIET));
        c.written(10_000 * MS);
        assertEquals(QUIET.toNanos(), c.remainingNanos(10_000 * MS, GRACE, QUIET));
    }
}
