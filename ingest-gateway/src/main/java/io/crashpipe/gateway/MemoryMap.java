package io.crashpipe.gateway;

import java.util.Arrays;
import java.util.List;

import io.crashpipe.schemas.events.PfnRun;

/** A dump's RAM as sorted, merged pfn ranges (from its metadata), to place every announced page in. */
final class MemoryMap {
    private final long[] starts;
    private final long[] ends; // exclusive
    private final long pages;

    private MemoryMap(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
        long n = 0;
        for (int i = 0; i < starts.length; i++) {
            n += ends[i] - starts[i];
        }
        this.pages = n;
    }

    static MemoryMap of(List<PfnRun> runs) {
        long[][] r = runs.stream().map(x -> new long[] {x.getStartPfn(), x.getStartPfn() + x.getCount()})
                .sorted((a, b) -> Long.compare(a[0], b[0])).toArray(long[][]::new);
        long[] s = new long[r.length];
        long[] e = new long[r.length];
        int n = 0;
        for (long[] x : r) {
            if (n > 0 && x[0] <= e[n - 1]) {
                e[n - 1] = Math.max(e[n - 1], x[1]);
            } else {
                s[n] = x[0];
                e[n] = x[1];
                n++;
            }
        }
        return new MemoryMap(Arrays.copyOf(s, n), Arrays.copyOf(e, n));
    }

    /** Whether every page of [start, start + count) is RAM of this dump. */
    boolean covers(long start, long count) {
        if (start < 0 || count <= 0 || start > Long.MAX_VALUE - count) {
            return false;
        }
        int i = Arrays.binarySearch(starts, start);
        i = i >= 0 ? i : -i - 2; // the last range starting at or before start
        return i >= 0 && start + count <= ends[i];
    }

    /** Pages of RAM: no dump has more chunks than that (each chunk carries at least one page). */
    long pages() {
        return pages;
    }

    long bytes() {
        return 48L + 16L * starts.length;
    }
}
