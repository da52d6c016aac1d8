package io.crashpipe.agent;

import java.time.Duration;
import java.time.Instant;

/**
 * When a dump under its final name counts as complete. The capture tools rename a finished dump
 * into place, so a rename is the signal: a candidate whose size and modification time stay put
 * for a short {@code grace} (no write follows the rename) is complete at once. A dump that is
 * seen growing (a write event, or its size or time changing between looks) is being written in
 * place under its final name (copied by hand, or a tool without the rename): for it the old
 * quiet period applies, counted from the last change seen.
 */
final class Completion {
    private final long firstSeenNanos;
    private long size;
    private long mtimeMillis;
    private long lastChangeNanos;
    private boolean writtenInPlace;

    Completion(long size, long mtimeMillis, long nowNanos) {
        this.size = size;
        this.mtimeMillis = mtimeMillis;
        this.firstSeenNanos = nowNanos;
        this.lastChangeNanos = nowNanos;
    }

    /** A write event named the file. */
    void written(long nowNanos) {
        writtenInPlace = true;
        lastChangeNanos = nowNanos;
    }

    /** The file as it looks now; a change of size or time means it is still being written. */
    void looked(long size, long mtimeMillis, long nowNanos) {
        if (size != this.size || mtimeMillis != this.mtimeMillis) {
            this.size = size;
            this.mtimeMillis = mtimeMillis;
            written(nowNanos);
        }
    }

    boolean writtenInPlace() {
        return writtenInPlace;
    }

    /**
     * When the file was complete, as a wall-clock time: the rename was seen (the first look at the
     * candidate), or, for a dump written in place, its last change seen.
     *
     * @param now the wall-clock time of {@code nowNanos}
     */
    Instant completeAt(long nowNanos, Instant now) {
        return now.minusNanos(nowNanos - (writtenInPlace ? lastChangeNanos : firstSeenNanos));
    }

    /** Nanoseconds until it counts as complete (0 or less: complete now). */
    long remainingNanos(long nowNanos, Duration grace, Duration quietPeriod) {
        return writtenInPlace
                ? lastChangeNanos + quietPeriod.toNanos() - nowNanos
                : firstSeenNanos + grace.toNanos() - nowNanos;
    }
}
