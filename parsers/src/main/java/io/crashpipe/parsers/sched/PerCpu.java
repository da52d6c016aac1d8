package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.MissingVmcoreinfoException;
import io.crashpipe.parsers.view.KernelView;
import java.util.BitSet;

/**
 * Per-CPU data: a per-CPU variable's symbol is its offset inside the per-CPU area, and CPU n's
 * copy lives at that offset plus {@code __per_cpu_offset[n]}.
 *
 * @param offsets {@code __per_cpu_offset[0 .. nr_cpu_ids-1]}
 * @param online CPUs in {@code __cpu_online_mask} at dump time
 * @param possible CPUs in {@code __cpu_possible_mask} (all below nr_cpu_ids when the mask is absent)
 */
public record PerCpu(long[] offsets, BitSet online, BitSet possible) {

    public static PerCpu read(KernelView view) {
        KernelMemory mem = view.memory();
        int nrCpuIds = view.symbol("nr_cpu_ids").isPresent() ? (int) mem.u32(view.requireSymbol("nr_cpu_ids")) : 1;
        long table = view.symbol("__per_cpu_offset").orElseThrow(
                () -> new MissingVmcoreinfoException("symbol __per_cpu_offset (per-CPU areas; kernel built without SMP?)"));
        long[] offsets = new long[nrCpuIds];
        var b = mem.buffer(table, 8 * nrCpuIds);
        for (int cpu = 0; cpu < nrCpuIds; cpu++) {
            offsets[cpu] = b.getLong(8 * cpu);
        }
        BitSet all = new BitSet();
        all.set(0, nrCpuIds);
        return new PerCpu(offsets, mask(view, "__cpu_online_mask", nrCpuIds, all),
                mask(view, "__cpu_possible_mask", nrCpuIds, all));
    }

    private static BitSet mask(KernelView view, String symbol, int bits, BitSet absent) {
        if (view.symbol(symbol).isEmpty()) {
            return (BitSet) absent.clone();
        }
        var b = view.memory().buffer(view.requireSymbol(symbol), (bits + 63) / 64 * 8);
        long[] words = new long[(bits + 63) / 64];
        b.asLongBuffer().get(words);
        BitSet s = BitSet.valueOf(words);
        s.clear(bits, Math.max(bits, s.length()));
        return s;
    }

    public int nrCpuIds() {
        return offsets.length;
    }

    /** CPU {@code cpu}'s copy of the per-CPU variable whose (per-CPU section) address is {@code symbol}. */
    public long address(long symbol, int cpu) {
        return symbol + offsets[cpu];
    }
}
