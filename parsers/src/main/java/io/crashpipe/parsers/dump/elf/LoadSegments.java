package io.crashpipe.parsers.dump.elf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The PT_LOAD segments of a vmcore indexed by physical address. Kernels map some RAM twice
 * (the kernel text mapping and the direct map), so overlapping segments are reduced to one
 * covering per physical byte, first segment wins.
 */
final class LoadSegments {
    /** Disjoint, sorted by paddr. fileEnd = paddr + filesz: beyond it (up to memEnd) memory was filtered out. */
    record Range(long paddr, long fileEnd, long memEnd, long fileOffset) {}

    private final Range[] ranges;

    LoadSegments(List<ProgramHeader> loads) {
        List<Range> out = new ArrayList<>();
        List<ProgramHeader> sorted = new ArrayList<>(loads);
        sorted.sort(Comparator.comparingLong(ProgramHeader::paddr));
        long covered = 0;
        for (ProgramHeader p : sorted) {
            long start = p.paddr();
            long memEnd = p.paddr() + p.memsz();
            long fileEnd = p.paddr() + Math.min(p.filesz(), p.memsz());
            if (memEnd <= covered) {
                continue;
            }
            long skip = Math.max(0, covered - start);
            start += skip;
            out.add(new Range(start, Math.max(start, fileEnd), memEnd, p.offset() + skip));
            covered = memEnd;
        }
        this.ranges = out.toArray(Range[]::new);
    }

    /** The range containing {@code paddr}, or null. */
    Range find(long paddr) {
        Range r = firstEndingAfter(paddr);
        return r != null && r.paddr <= paddr ? r : null;
    }

    /** The first range that ends after {@code paddr} (it may start after it), or null. */
    Range firstEndingAfter(long paddr) {
        int lo = 0;
        int hi = ranges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ranges[mid].memEnd <= paddr) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < ranges.length ? ranges[lo] : null;
    }

    List<Range> all() {
        return List.of(ranges);
    }

    long maxAddress() {
        return ranges.length == 0 ? 0 : ranges[ranges.length - 1].memEnd;
    }
}
