package io.crashpipe.parsers.memory;

import java.util.Arrays;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Physical memory that remembers which page frames were asked for. Running an analysis over it
 * tells which pages that analysis needs: enough to cut a dump down to a small sample, or to send
 * those pages first.
 */
public final class RecordingMemory implements PhysicalMemory {
    private final PhysicalMemory inner;
    private final ConcurrentSkipListSet<Long> touched = new ConcurrentSkipListSet<>();

    public RecordingMemory(PhysicalMemory inner) {
        this.inner = inner;
    }

    @Override
    public int pageSize() {
        return inner.pageSize();
    }

    @Override
    public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
        int ps = inner.pageSize();
        long last = len == 0 ? paddr : paddr + len - 1;
        for (long pfn = Long.divideUnsigned(paddr, ps); pfn <= Long.divideUnsigned(last, ps); pfn++) {
            touched.add(pfn);
        }
        return inner.tryRead(paddr, dst, off, len);
    }

    /** Every page frame read so far, ascending (including ones the dump did not have). */
    public long[] touchedPfns() {
        long[] out = touched.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }
}
