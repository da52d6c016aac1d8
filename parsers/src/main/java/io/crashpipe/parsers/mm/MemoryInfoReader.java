package io.crashpipe.parsers.mm;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.triage.TypedReader;
import io.crashpipe.parsers.view.KernelView;
import io.crashpipe.parsers.kernel.MissingVmcoreinfoException;
import io.crashpipe.parsers.mm.MemoryInfo.Commit;
import io.crashpipe.parsers.mm.MemoryInfo.Known;
import io.crashpipe.parsers.mm.MemoryInfo.Swap;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads {@code kmem -i} from the counters the kernel keeps for {@code /proc/meminfo} (SHARED,
 * which no counter holds, from a {@link PageCensus} as crash does):
 * {@code _totalram_pages} (5.0+; {@code totalram_pages} before), the global
 * {@code vm_zone_stat[]} / {@code vm_node_stat[]} arrays indexed by the {@code zone_stat_item} /
 * {@code node_stat_item} enumerators BTF names (slab in bytes, {@code _B}, since 5.9), swap from
 * {@code total_swap_pages} / {@code nr_swap_pages}, hugetlb from {@code hstates[]}, and the
 * commit figures from {@code sysctl_overcommit_*} and the {@code vm_committed_as} per-CPU counter.
 */
public final class MemoryInfoReader {
    private final KernelView view;
    private final Btf btf;
    private final TypedReader r;
    private String censusGap;

    public MemoryInfoReader(KernelView view, Btf btf) {
        this.view = view;
        this.btf = btf;
        this.r = new TypedReader(btf, view.memory());
    }

    public MemoryInfo read() {
        long pageSize = view.vmcoreinfo().pageSize().orElse(4096);
        long total = word(view.symbol("_totalram_pages").isPresent() ? "_totalram_pages" : "totalram_pages");
        long free = zoneStat("NR_FREE_PAGES");
        long buffers = 0; // nr_blockdev_pages(): block-device page cache; see the record's note
        long swapCache = nodeStat("NR_SWAPCACHE").orElse(0);
        long cached = Math.max(0, nodeStat("NR_FILE_PAGES").orElse(0) - swapCache - buffers);
        long slab = slab(pageSize);
        OptionalLong hugeTotal = OptionalLong.empty();
        OptionalLong hugeFree = OptionalLong.empty();
        Known<Swap> swap = swap();
        return new MemoryInfo(pageSize, total, free, census(), buffers, cached, slab, hugeTotal, hugeFree, swap,
                commit(pageSize, total, swap));
    }

    private Known<Swap> swap() {
        Optional<String> missing = missing("total_swap_pages", "nr_swap_pages");
        if (missing.isPresent()) {
            return Known.unknown(missing.get());
        }
        return Known.of(new Swap(word("total_swap_pages"), word("nr_swap_pages")));
    }

    private Known<Commit> commit(long pageSize, long total, Known<Swap> swap) {
        Optional<String> missing = missing("sysctl_overcommit_ratio", "vm_committed_as");
        if (missing.isPresent() || swap.value().isEmpty()) {
            return Known.unknown(missing.orElse(swap.whyUnknown()));
        }
        long ratio = view.memory().u32(view.requireSymbol("sysctl_overcommit_ratio"));
        long kbytes = view.symbol("sysctl_overcommit_kbytes").isPresent() ? word("sysctl_overcommit_kbytes") : 0;
        long limit = (kbytes != 0 ? kbytes / (pageSize / 1024) : total * ratio / 100) + swap.value().get().total();
        // /proc/meminfo's Committed_AS (and crash) read the counter's central count only.
        long committed = Math.max(0, r.s(view.requireSymbol("vm_committed_as"), "percpu_counter.count"));
        return Known.of(new Commit(limit, committed));
    }

    /** The first of these symbols the dump does not name, as a reason. */
    private Optional<String> missing(String... symbols) {
        for (String s : symbols) {
            if (view.symbol(s).isEmpty()) {
                return Optional.of("no symbol " + s + (view.kallsymsListsTextOnly()
                        ? ": kallsyms lists text only and it is not exported" : " in VMCOREINFO or kallsyms"));
            }
        }
        return Optional.empty();
    }

    /**
     * The struct page walk behind crash's SHARED, or empty (with the reason in {@link #censusGap})
     * when VMCOREINFO lacks the section table or BTF has no PG_reserved.
     */
    private Optional<PageCensus> census() {
        OptionalLong reserved = btf.enumValue("pageflags", "PG_reserved");
        if (reserved.isEmpty()) {
            censusGap = "the kernel's BTF has no PG_reserved in enum pageflags";
            return Optional.empty();
        }
        try {
            return Optional.of(PageCensus.take(view.memory(), view.vmcoreinfo(), (int) reserved.getAsLong()));
        } catch (MissingVmcoreinfoException e) {
            censusGap = e.getMessage();
            return Optional.empty();
        }
    }

    /** Why SHARED could not be counted, or null. */
    public String censusGap() {
        return censusGap;
    }

    private long slab(long pageSize) {
        OptionalLong rb = nodeStat("NR_SLAB_RECLAIMABLE_B");
        if (rb.isPresent()) {
            // 5.9+: the slab counters are named _B (memcg accounts bytes) but the global vmstat counts pages.
            return rb.getAsLong() + nodeStat("NR_SLAB_UNRECLAIMABLE_B").orElse(0);
        }
        OptionalLong rp = nodeStat("NR_SLAB_RECLAIMABLE");
        if (rp.isPresent()) {
            return rp.getAsLong() + nodeStat("NR_SLAB_UNRECLAIMABLE").orElse(0);
        }
        return zoneStat("NR_SLAB_RECLAIMABLE") + zoneStat("NR_SLAB_UNRECLAIMABLE");
    }

    private long word(String symbol) {
        return view.memory().u64(view.requireSymbol(symbol));
    }

    private long zoneStat(String item) {
        long idx = btf.enumValue("zone_stat_item", item).orElseThrow(() -> new IllegalStateException(
                "the kernel's BTF has no " + item + " in enum zone_stat_item"));
        return clamp(view.memory().u64(view.requireSymbol("vm_zone_stat") + 8 * idx));
    }

    private OptionalLong nodeStat(String item) {
        OptionalLong idx = btf.enumValue("node_stat_item", item);
        if (idx.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(clamp(view.memory().u64(view.requireSymbol("vm_node_stat") + 8 * idx.getAsLong())));
    }

    /** vmstat counters may go transiently negative per CPU; the kernel shows such sums as 0. */
    private static long clamp(long v) {
        return Math.max(0, v);
    }
}
