package io.crashpipe.sink.consume;

import io.crashpipe.sink.write.Backoff;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which partitions the consumer must not fetch from: every partition while too much is
 * in flight (the memory bound; resumed below half of it, so it does not flap), and single
 * partitions waiting to decode a record again after the registry failed to answer. In-flight
 * counts change on the writer's and producer's threads; the rest is the poll thread's.
 */
final class FlowControl {
    private record Retry(int attempts, long atNanos) {}

    private final int maxRecords;
    private final long maxBytes;
    private final Backoff backoff;
    private long records;
    private long bytes;
    private boolean saturated;
    private final Map<TopicPartition, Retry> retries = new HashMap<>();

    FlowControl(int maxRecords, long maxBytes, Backoff backoff) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.backoff = backoff;
    }

    /** A record was handed to the writer or the dead-letter producer. */
    synchronized void taken(SourceRecord r) {
        records++;
        bytes += r.size();
    }

    /** A record was acknowledged, or given up on until a restart. */
    synchronized void settled(SourceRecord r) {
        records--;
        bytes -= r.size();
        if (records == 0) {
            notifyAll();
        }
    }

    synchronized long inFlight() {
        return records;
    }

    /** Waits until nothing is in flight; false when {@code timeout} passed first. */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Holds {@code partition} back after its next record could not be decoded; returns how long. */
    synchronized Duration retryLater(TopicPartition partition, long nowNanos) {
        Retry previous = retries.get(partition);
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        Duration wait = backoff.delayAfter(attempts);
        retries.put(partition, new Retry(attempts, nowNanos + wait.toNanos()));
        return wait;
    }

    /** The registry answered for {@code partition} again: no more waiting there. */
    synchronized void answered(TopicPartition partition) {
        retries.remove(partition);
    }

    /** The partitions of {@code assigned} to keep paused now. */
    synchronized Set<TopicPartition> paused(Set<TopicPartition> assigned, long nowNanos) {
        if (records >= maxRecords || bytes >= maxBytes) {
            saturated = true;
        } else if (records <= maxRecords / 2 && bytes <= maxBytes / 2) {
            saturated = false;
        }
        if (saturated) {
            return assigned;
        }
        Set<TopicPartition> waiting = new HashSet<>();
        retries.forEach((partition, retry) -> {
            if (retry.atNanos() - nowNanos > 0 && assigned.contains(partition)) {
                waiting.add(partition);
            }
        });
        return waiting;
    }
}
