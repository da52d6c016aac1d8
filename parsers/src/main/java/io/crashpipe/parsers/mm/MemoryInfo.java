package io.crashpipe.parsers.mm;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * crash's {@code kmem -i} figures, in pages, from the kernel's own counters.
 *
 * @param census the struct page walk SHARED comes from (crash counts non-reserved pages with a
 *     reference count above one; no kernel counter holds that); empty when VMCOREINFO lacks the
 *     section table, and SHARED is then left out as crash 9.0 leaves it out by default
 * @param slab the two slab vmstat counters, as /proc/meminfo's {@code Slab:} and crash 8.0.3+
 *     (crash 8.0.2 on 5.9+ kernels counts PG_slab pages instead, {@link PageCensus#slab()})
 * @param hugeTotal empty when the kernel has no hugetlb state to read
 */
public record MemoryInfo(long pageSize, long total, long free, Optional<PageCensus> census, long buffers,
        long cached, long slab, OptionalLong hugeTotal, OptionalLong hugeFree, long swapTotal, long swapFree,
        long commitLimit, long committed) {

    public long used() {
        return total - free;
    }

    /** crash's SHARED: non-reserved pages referenced more than once. */
    public OptionalLong shared() {
        return census.map(c -> OptionalLong.of(c.shared())).orElse(OptionalLong.empty());
    }

    /** crash's {@code kmem -i} text. */
    public String crashText() {
        StringBuilder sb = new StringBuilder("                 PAGES        TOTAL      PERCENTAGE\n");
        total(sb, "TOTAL MEM", total);
        row(sb, "FREE", free, total, "TOTAL MEM");
        row(sb, "USED", used(), total, "TOTAL MEM");
        census.ifPresent(c -> row(sb, "SHARED", c.shared(), total, "TOTAL MEM"));
        row(sb, "BUFFERS", buffers, total, "TOTAL MEM");
        row(sb, "CACHED", cached, total, "TOTAL MEM");
        row(sb, "SLAB", slab, total, "TOTAL MEM");
        sb.append('\n');
        long ht = hugeTotal.orElse(0);
        total(sb, "TOTAL HUGE", ht);
        row(sb, "HUGE FREE", hugeFree.orElse(0), ht, "TOTAL HUGE");
        sb.append('\n');
        total(sb, "TOTAL SWAP", swapTotal);
        row(sb, "SWAP USED", swapTotal - swapFree, swapTotal, "TOTAL SWAP");
        row(sb, "SWAP FREE", swapFree, swapTotal, "TOTAL SWAP");
        sb.append('\n');
        total(sb, "COMMIT LIMIT", commitLimit);
        row(sb, "COMMITTED", committed, commitLimit, "TOTAL LIMIT");
        return sb.toString();
    }

    private void total(StringBuilder sb, String label, long pages) {
        sb.append(String.format("%13s  %7d  %11s         ----%n", label, pages, size(pages)));
    }

    private void row(StringBuilder sb, String label, long pages, long of, String ofLabel) {
        long pct = of == 0 ? 0 : pages * 100 / of;
        sb.append(String.format("%13s  %7d  %11s  %3d%% of %s%n", label, pages, size(pages), pct, ofLabel));
    }

    /** crash's {@code pages_to_size}: KB under a MB, else MB or GB with one decimal, ".0" dropped. */
    String size(long pages) {
        long bytes = pages * pageSize;
        if (bytes == 0) {
            return "0";
        }
        if (bytes < (1L << 20)) {
            return (bytes >> 10) + " KB";
        }
        double v;
        String unit;
        if (bytes < (1L << 30)) {
            v = bytes / (double) (1L << 20);
            unit = " MB";
        } else {
            v = bytes / (double) (1L << 30);
            unit = " GB";
        }
        String s = String.format("%.1f", v);
        return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + unit;
    }
}
