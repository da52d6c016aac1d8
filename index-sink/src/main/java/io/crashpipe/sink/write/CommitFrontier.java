package io.crashpipe.sink.write;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which offsets a consumer may commit, given that the writer settles records out of order: per
 * partition, the lowest offset still unsettled (everything below it is settled), or one past the
 * highest settled offset when nothing is outstanding. A record that {@link AckListener#failed}
 * stays outstanding, so a restart reads it again.
 *
 * @param <P> the partition key (a Kafka TopicPartition in the pipeline)
 */
public final class CommitFrontier<P> {
    private final Map<P, TreeSet<Long>> outstanding = new HashMap<>();
    private final Map<P, Long> next = new HashMap<>();

    /**
     * Call before handing the record to the writer.
     *
     * @return false when that offset is outstanding already: a copy of the record is still in
     *     flight (read again after a rebalance that could not wait for it), and it will settle it
     */
    public synchronized boolean submitted(P partition, long offset) {
        return outstanding.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }

    /** Call from {@link AckListener#acknowledged}. */
    public synchronized void acknowledged(P partition, long offset) {
        TreeSet<Long> open = outstanding.get(partition);
        if (open == null || !open.remove(offset)) {
            throw new IllegalStateException("offset " + offset + " of " + partition + " was not outstanding");
        }
        next.merge(partition, offset + 1, Math::max);
    }

    /** Whether every record submitted on {@code partition} has been acknowledged (true when none was). */
    public synchronized boolean settled(P partition) {
        TreeSet<Long> open = outstanding.get(partition);
        return open == null || open.isEmpty();
    }

    /** The offset to commit for each partition (Kafka's convention: the next one to read). */
    public synchronized Map<P, Long> committable() {
        Map<P, Long> out = new HashMap<>();
        next.forEach((partition, afterHighest) -> {
            TreeSet<Long> open = outstanding.get(partition);
            out.put(partition, open == null || open.isEmpty() ? afterHighest : open.first());
        });
        return out;
    }
}
