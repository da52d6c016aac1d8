package io.crashpipe.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitFrontierTest {
    private final CommitFrontier<String> frontier = new CommitFrontier<>();

    @Test
    void outOfOrderAcksCommitOnlyTheSettledPrefix() {
        for (long o = 10; o <= 13; o++) {
            frontier.submitted("p0", o);
        }
        frontier.acknowledged("p0", 12);
        frontier.acknowledged("p0", 10);
        assertEquals(Map.of("p0", 11L), frontier.committable());
        frontier.acknowledged("p0", 11);
        assertEquals(Map.of("p0", 13L), frontier.committable());
        frontier.acknowledged("p0", 13);
        assertEquals(Map.of("p0", 14L), frontier.committable());
    }

    @Test
    void aFailedRecordHoldsItsPartitionBackButNotOthers() {
        frontier.submitted("p0", 5);
        frontier.submitted("p0", 6);
        frontier.submitted("p1", 7);
        frontier.acknowledged("p0", 6);
        frontier.acknowledged("p1", 7);
        // offset 5 failed: never acknowledged
        assertEquals(Map.of("p0", 5L, "p1", 8L), frontier.committable());
    }

    @Test
    void aPartitionIsSettledOnlyWhenNothingSubmittedThereIsOutstanding() {
        assertTrue(frontier.settled("p0"), "nothing submitted yet");
        frontier.submitted("p0", 3);
        frontier.submitted("p1", 4);
        assertFalse(frontier.settled("p0"));
        frontier.acknowledged("p0", 3);
        assertTrue(frontier.settled("p0"));
        assertFalse(frontier.settled("p1"));
    }

    @Test
    void submittingAnOffsetStillOutstandingSaysSoAndKeepsOneEntry() {
        assertTrue(frontier.submitted("p0", 9));
        assertFalse(frontier.submitted("p0", 9), "a copy of offset 9 is still in flight");
        frontier.acknowledged("p0", 9);
        assertEquals(Map.of("p0", 10L), frontier.committable());
        assertTrue(frontier.submitted("p0", 9), "settled offsets may be submitted again (a replay)");
    }

    @Test
    void acknowledgingWhatWasNotSubmittedIsABug() {
        assertThrows(IllegalStateException.class, () -> frontier.acknowledged("p0", 1));
    }
}
