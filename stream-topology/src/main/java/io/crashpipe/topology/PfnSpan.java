package io.crashpipe.topology;

/** Consecutive page frames [start, start + count). */
public record PfnSpan(long start, int count) {
    public PfnSpan {
        if (count <= 0 || start < 0) {
            throw new IllegalArgumentException("pfn span needs start >= 0 and count > 0, got " + start + "+" + count);
        }
    }

    public long end() {
        return start + count;
    }

    public boolean contains(long pfn) {
        return pfn >= start && pfn < end();
    }
}
