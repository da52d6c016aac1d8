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
 * @param swap and {@code commit}: empty, with the reason, when a counter they need has no name in
 *     this dump (static variables under text-only kallsyms, as on arm64 without KALLSYMS_ALL)
 */
public record MemoryInfo(long pageSize, long total, long free, Optional<PageCensus> census, long buffers,
        long cached, long slab, OptionalLong hugeTotal, OptionalLong hugeFree, Known<Swap> swap,
        Known<Commit> commit) {

    /** Swap pages in total and free ({@code total_swap_pages}, {@code nr_swap_pages}). */
    public record Swap(long total, long free) {}

    /** The overcommit limit and the committed address space ({@code vm_committed_as}), in pages. */
    public record Commit(long limit, long committed) {}

    /** A figure, or why it is unknown. */
    public record Known<T>(Optional<T> value, String whyUnknown) {
        public static <T> Known<T> of(T v) {
            return new Known<>(Optional.of(v), null);
        }

        public static <T> Known<T> unknown(String why) {
            return new Known<>(Optional.empty(), why);
        }
    }

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
        swap.value().ifPresentOrElse(w -> {
            total(sb, "TOTAL SWAP", w.total());
            row(sb, "SWAP USED", w.total() - w.free(), w.total(), "TOTAL SWAP");
            row(sb, "SWAP FREE", w.free(), w.total(), "TOTAL SWAP");
        }, () -> unknown(sb, "TOTAL SWAP", swap.whyUnknown()));
        sb.append('\n');
        commit.value().ifPresentOrElse(c -> {
            total(sb, "COMMIT LIMIT", c.limit());
            row(sb, "COMMITTED", c.committed(), c.limit(), "TOTAL LIMIT");
        }, () -> unknown(sb, "COMMIT LIMIT", commit.whyUnknown()));
        return sb.toString();
    }

    private static void unknown(StringBuilder sb, String label, String why) {
        sb.append(String.format("%13s  unknown (%s)%n", label, why));
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
