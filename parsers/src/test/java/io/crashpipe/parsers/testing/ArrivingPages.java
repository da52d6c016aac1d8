package io.crashpipe.parsers.testing;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.extract.HotPages;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A real dump's pages "arriving" in chunks, as the stream topology sees them: reads of a page that
 * has not arrived are {@code NOT_YET_ARRIVED}; once sealed, a page that never came is either read
 * from the file (what it would have held) or {@code EXCLUDED} (what the topology says). The one
 * feeding set-up of the incremental-analysis tests in parsers and stream-topology.
 */
public final class ArrivingPages implements PhysicalMemory {
    /** What a page that never arrived reads as after the seal. */
    public enum AfterSeal { READ_THE_FILE, EXCLUDED }

    private final PhysicalMemory all;
    private final List<Long> order;
    private final int chunkPages;
    private final AfterSeal afterSeal;
    private final Set<Long> arrived = new HashSet<>();
    private int next;
    private boolean sealed;

    /**
     * @param order every page in the order it arrives ({@link #pfnOrder}, {@link #hotFirst})
     * @param chunkPages pages per arriving chunk
     */
    public ArrivingPages(PhysicalMemory all, List<Long> order, int chunkPages, AfterSeal afterSeal) {
        this.all = all;
        this.order = List.copyOf(order);
        this.chunkPages = chunkPages;
        this.afterSeal = afterSeal;
    }

    /** Every present page of {@code dump} in pfn order. */
    public static List<Long> pfnOrder(Dump dump) throws IOException {
        List<Long> out = new ArrayList<>();
        dump.forEachPresentPfn(out::add);
        return out;
    }

    /**
     * As the agent sends them: the pages the analysis reads ({@link HotPages}) first, then the
     * others; each group shuffled with {@code seed}.
     */
    public static List<Long> hotFirst(Dump dump, long seed) throws IOException {
        Set<Long> hot = new HashSet<>();
        for (long pfn : HotPages.of(dump)) {
            hot.add(pfn);
        }
        List<Long> all = pfnOrder(dump);
        List<Long> first = new ArrayList<>(all.stream().filter(hot::contains).toList());
        List<Long> rest = new ArrayList<>(all.stream().filter(p -> !hot.contains(p)).toList());
        Random random = new Random(seed);
        Collections.shuffle(first, random);
        Collections.shuffle(rest, random);
        first.addAll(rest);
        return first;
    }

    public boolean arrived(long pfn) {
        return arrived.contains(pfn);
    }

    public boolean sealed() {
        return sealed;
    }

    /** Just this page, out of turn (the strictest order: each page when first asked for). */
    public void arriveOnly(long pfn) {
        if (order.contains(pfn)) {
            arrived.add(pfn);
        }
    }

    /**
     * What a pass that waits for {@code pfn} leads to: chunks keep arriving until one carries it,
     * or every chunk has come and the dump is sealed (the page is not in the dump).
     *
     * @return whether the page arrived
     */
    public boolean deliverUntil(long pfn) {
        while (!arrived.contains(pfn) && next < order.size()) {
            int end = Math.min(order.size(), next + chunkPages);
            arrived.addAll(order.subList(next, end));
            next = end;
        }
        if (!arrived.contains(pfn)) {
            sealed = true;
        }
        return !sealed;
    }

    @Override
    public int pageSize() {
        return all.pageSize();
    }

    @Override
    public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
        if (!sealed || afterSeal == AfterSeal.EXCLUDED) {
            long ps = all.pageSize();
            for (long pfn = paddr / ps; pfn <= (paddr + Math.max(len, 1) - 1) / ps; pfn++) {
                if (!arrived.contains(pfn)) {
                    return Unavailable.physical(pfn * ps, pfn,
                            sealed ? Unavailable.Reason.EXCLUDED : Unavailable.Reason.NOT_YET_ARRIVED, "");
                }
            }
        }
        return all.tryRead(paddr, dst, off, len);
    }

    /** Seals with nothing more to come. */
    public void seal() {
        sealed = true;
    }
}
