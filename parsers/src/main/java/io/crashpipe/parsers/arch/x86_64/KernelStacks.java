package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.StackKind;
import io.crashpipe.parsers.unwind.StackRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The special stacks of one CPU, found without debug symbols.
 *
 * <ul>
 *   <li>IRQ stack: per-CPU {@code hardirq_stack_ptr} (before 6.2), or, inside {@code pcpu_hot}
 *       (6.2 and later, layout unknown without BTF), the one kernel pointer that is 8 bytes below
 *       a page boundary: the kernel keeps it at the stack top - 8 (the neighbouring
 *       {@code top_of_stack} is page aligned itself). IRQ stacks are 16 KiB but only page
 *       aligned.</li>
 *   <li>Exception stacks: the hardware TSS ({@code cpu_tss_rw}) holds each IST stack's top; its
 *       layout is fixed by the CPU architecture. The stacks are separated by one guard page, so
 *       their size is the distance between two tops minus a page.</li>
 * </ul>
 * Anything else is taken as the task stack.
 */
public final class KernelStacks {
    public static final long THREAD_SIZE = 16 * 1024;
    private static final int PAGE = 4096;
    /** offsetof(struct x86_hw_tss, sp1) (packed: u32 reserved, u64 sp0, u64 sp1). */
    private static final int TSS_SP1 = 12;
    /** TOP_OF_KERNEL_STACK_PADDING with CONFIG_X86_FRED (6.9+), 0 otherwise. */
    static final int FRED_PADDING = 16;
    /** offsetof(struct x86_hw_tss, ist): u32 reserved, u64 sp0..sp2, u64 reserved. */
    private static final int TSS_IST = 36;
    /** IST slots in the order of the kernel's IST_INDEX_*: DF, NMI, DB, MCE, VC, VC2 is not in the TSS. */
    private static final StackKind[] IST = {StackKind.DOUBLE_FAULT, StackKind.NMI, StackKind.DEBUG, StackKind.MCE,
        StackKind.VC};

    private final List<StackRange> ranges;

    KernelStacks(List<StackRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static KernelStacks none() {
        return new KernelStacks(List.of());
    }

    public static KernelStacks of(PerCpuSymbols percpu, int cpu) {
        List<StackRange> out = new ArrayList<>();
        try {
            irqStackTop(percpu, cpu).ifPresent(top -> out.add(new StackRange(StackKind.IRQ, top - THREAD_SIZE, top)));
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            // The per-CPU page is not in the dump: the IRQ stack stays unnamed.
        }
        try {
            exceptionStacks(percpu, cpu, out);
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            // As above, for the TSS.
        }
        return new KernelStacks(out);
    }

    /**
     * The IRQ stack's top from the per-CPU pointer to it: {@code hardirq_stack_ptr} (5.1+; the top
     * itself, or top - 8 since 5.9), {@code irq_stack_ptr} before (top - 64); rounding up to the
     * page boundary gives the top in every case.
     */
    private static OptionalLong irqStackTop(PerCpuSymbols percpu, int cpu) {
        for (String name : new String[] {"hardirq_stack_ptr", "irq_stack_ptr"}) {
            OptionalLong ptr = percpu.address(name, cpu);
            if (ptr.isPresent()) {
                long v = percpu.memory().u64(ptr.getAsLong());
                return v == 0 ? OptionalLong.empty() : OptionalLong.of((v + PAGE - 1) & -PAGE);
            }
        }
        OptionalLong hot = percpu.address("pcpu_hot", cpu);
        if (hot.isEmpty()) {
            return OptionalLong.empty();
        }
        ByteBuffer b = percpu.memory().buffer(hot.getAsLong(), 64);
        for (int off = 8; off < 64; off += 8) {
            long v = b.getLong(off);
            if (v < 0 && (v + 8) % PAGE == 0) {
                return OptionalLong.of(v + 8);
            }
        }
        return OptionalLong.empty();
    }

    private static void exceptionStacks(PerCpuSymbols percpu, int cpu, List<StackRange> out) {
        OptionalLong tss = percpu.address("cpu_tss_rw", cpu);
        if (tss.isEmpty()) {
            return;
        }
        ByteBuffer b = percpu.memory().buffer(tss.getAsLong() + TSS_IST, 8 * IST.length);
        long[] tops = new long[IST.length];
        for (int i = 0; i < tops.length; i++) {
            tops[i] = b.getLong(8 * i);
        }
        if (tops[0] == 0 || tops[1] == 0) {
            return;
        }
        long size = tops[1] - tops[0] - PAGE;
        if (size <= 0 || size > 64 * 1024) {
            return;
        }
        for (int i = 0; i < tops.length; i++) {
            if (tops[i] != 0) {
                out.add(new StackRange(IST[i], tops[i] - size, tops[i]));
            }
        }
    }

    /**
     * The top of the stack of the task running on {@code cpu} as the kernel means it (where its
     * pt_regs end: THREAD_SIZE aligned, or 16 bytes below with FRED's TOP_OF_KERNEL_STACK_PADDING,
     * 6.9+): per-CPU {@code cpu_current_top_of_stack} (6.15+), else {@code pcpu_hot.top_of_stack}
     * (6.2-6.14), found without BTF as the first kernel pointer in pcpu_hot that is such a top (it
     * precedes hardirq_stack_ptr, which is 8 bytes below a page boundary), else the hardware TSS's
     * sp1, where x86_64 kept it before 6.2 ({@code #define cpu_current_top_of_stack
     * cpu_tss_rw.x86_tss.sp1}).
     */
    static OptionalLong taskStackTop(PerCpuSymbols percpu, int cpu) {
        try {
            OptionalLong at = percpu.address("cpu_current_top_of_stack", cpu);
            if (at.isPresent()) {
                return stackTop(percpu.memory().u64(at.getAsLong()));
            }
            OptionalLong hot = percpu.address("pcpu_hot", cpu);
            if (hot.isPresent()) {
                ByteBuffer b = percpu.memory().buffer(hot.getAsLong(), 64);
                for (int off = 8; off < 64; off += 8) {
                    OptionalLong top = stackTop(b.getLong(off));
                    if (top.isPresent()) {
                        return top;
                    }
                }
                return OptionalLong.empty();
            }
            OptionalLong tss = percpu.address("cpu_tss_rw", cpu);
            if (tss.isPresent()) {
                return stackTop(percpu.memory().u64(tss.getAsLong() + TSS_SP1));
            }
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** {@code v} when it is a kernel pointer at a THREAD_SIZE boundary or the FRED padding below one. */
    private static OptionalLong stackTop(long v) {
        return v < 0 && (v % THREAD_SIZE == 0 || (v + FRED_PADDING) % THREAD_SIZE == 0) ? OptionalLong.of(v)
                : OptionalLong.empty();
    }

    /** The lowest address of the THREAD_SIZE stack whose top is {@code top}. */
    static long stackBase(long top) {
        return (top - 1) & -THREAD_SIZE;
    }

    public List<StackRange> ranges() {
        return ranges;
    }

    /** Which stack {@code sp} is on; {@link StackKind#TASK} when it is none of the CPU's special stacks. */
    public StackKind kindOf(long sp) {
        for (StackRange r : ranges) {
            if (r.contains(sp)) {
                return r.kind();
            }
        }
        return StackKind.TASK;
    }

    /** The top of the stack holding {@code sp}: the special stack's end, else the next THREAD_SIZE boundary. */
    public long topOf(long sp) {
        for (StackRange r : ranges) {
            if (r.contains(sp)) {
                return r.high();
            }
        }
        return (sp | (THREAD_SIZE - 1)) + 1;
    }
}
