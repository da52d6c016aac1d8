package io.crashpipe.sink.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.sink.write.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FlowControlTest {
    private static final TopicPartition P0 = new TopicPartition("kernel-log", 0);
    private static final TopicPartition P1 = new TopicPartition("kernel-log", 1);
    private static final Set<TopicPartition> ASSIGNED = Set.of(P0, P1);

    private final FlowControl flow =
            new FlowControl(4, 1000, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3));

    @Test
    void pausesEverythingAtTheRecordBoundAndResumesOnlyBelowHalf() {
        List<SourceRecord> taken = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            taken.add(record(P0, i, 10));
            flow.taken(taken.getLast());
        }
        assertEquals(ASSIGNED, flow.paused(ASSIGNED, 0));
        flow.settled(taken.removeFirst());
        assertEquals(ASSIGNED, flow.paused(ASSIGNED, 0), "3 of 4 is still above half: no flapping");
        flow.settled(taken.removeFirst());
        assertEquals(Set.of(), flow.paused(ASSIGNED, 0));
    }

    @Test
    void largeRecordsPauseByBytes() {
        flow.taken(record(P1, 0, 1000));
        assertEquals(ASSIGNED, flow.paused(ASSIGNED, 0));
    }

    @Test
    void aPartitionWaitingForTheRegistryIsHeldBackWithGrowingWaits() {
        assertEquals(Duration.ofMillis(100), flow.retryLater(P0, 0));
        assertEquals(Set.of(P0), flow.paused(ASSIGNED, 50_000_000));
        assertEquals(Set.of(), flow.paused(ASSIGNED, 100_000_000));
        assertEquals(Duration.ofMillis(200), flow.retryLater(P0, 100_000_000), "second failure waits longer");
        flow.answered(P0);
        assertEquals(Set.of(), flow.paused(ASSIGNED, 100_000_001));
        assertEquals(Duration.ofMillis(100), flow.retryLater(P0, 0), "an answer resets the backoff");
        assertEquals(Set.of(), flow.paused(Set.of(P1), 0), "only assigned partitions are paused");
    }

    @Test
    void awaitIdleReturnsOnceEverythingSettled() throws Exception {
        SourceRecord r = record(P0, 7, 10);
        flow.taken(r);
        assertFalse(flow.awaitIdle(Duration.ofMillis(20)));
        Thread settler = Thread.ofVirtual().start(() -> flow.settled(r));
        assertTrue(flow.awaitIdle(Duration.ofSeconds(10)));
        settler.join();
    }

    private static SourceRecord record(TopicPartition p, long offset, int valueBytes) {
        return new SourceRecord(p, offset, null, new byte[valueBytes]);
    }
}
