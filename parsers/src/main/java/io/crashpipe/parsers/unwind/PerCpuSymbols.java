package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.util.OptionalLong;

/**
 * Per-CPU variables located with kallsyms alone: a per-CPU symbol's value is its offset in the
 * per-CPU area, and {@code __per_cpu_offset[cpu]} is where that CPU's copy of the area starts.
 */
public final class PerCpuSymbols {
    private final Kallsyms symbols;
    private final VirtualMemory memory;
    private final long offsets;

    private PerCpuSymbols(Kallsyms symbols, VirtualMemory memory, long offsets) {
        this.symbols = symbols;
        this.memory = memory;
        this.offsets = offsets;
    }

    /** Needs {@code __per_cpu_offset} (every SMP kernel has it). */
    public static PerCpuSymbols of(Kallsyms symbols, VirtualMemory memory) {
        long offsets = symbols.address("__per_cpu_offset").orElseThrow(() -> new IllegalStateException(
                "kallsyms has no __per_cpu_offset: per-CPU data (current task, IRQ stacks) cannot be found"));
        return new PerCpuSymbols(symbols, memory, offsets);
    }

    public VirtualMemory memory() {
        return memory;
    }

    public long base(int cpu) {
        return memory.u64(offsets + 8L * cpu);
    }

    /** The address of {@code cpu}'s copy of per-CPU variable {@code name}, when kallsyms has it. */
    public OptionalLong address(String name, int cpu) {
        OptionalLong off = symbols.address(name);
        return off.isPresent() ? OptionalLong.of(base(cpu) + off.getAsLong()) : OptionalLong.empty();
    }
}
