package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.arch.KernelUnwinder;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.orc.OrcTable;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.StackScanner;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.unwind.TraceStep;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * x86_64 backtraces: ORC from the registers of a CPU note or from a blocked task's switch frame,
 * with the kernel's IRQ and exception stacks named, and a stack scan where ORC gives out.
 */
final class X86_64Unwinder implements KernelUnwinder {
    /** Offsets of bp and ret_addr in x86_64's struct inactive_task_frame (r15, r14, r13, r12, bx, bp, ret_addr). */
    private static final int SWITCH_FRAME_BP = 40;
    private static final int SWITCH_FRAME_RET = 48;

    private final VirtualMemory memory;
    private final Symbolizer symbols;
    private final Optional<OrcTable> orc;
    private final PerCpuSymbols percpu;

    X86_64Unwinder(UnwindContext context) {
        this.memory = context.memory();
        this.symbols = context.symbolizer();
        this.orc = OrcTable.locate(context.kallsyms(), memory);
        this.percpu = PerCpuSymbols.of(context.kallsyms(), memory);
    }

    @Override
    public String describe() {
        return orc.map(o -> "ORC " + o.format() + ", " + o.size() + " entries").orElse("no ORC tables");
    }

    @Override
    public Backtrace running(int cpu, Optional<TaskRef> task, Registers regs) {
        KernelStacks stacks = KernelStacks.of(percpu, cpu);
        StackScanner scanner = new StackScanner(memory, symbols);
        if (orc.isEmpty()) {
            List<TraceStep> steps = new ArrayList<>(scanner.scan(regs.sp(), stacks.topOf(regs.sp())));
            return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.STACK_SCAN,
                    Optional.of("the kernel has no ORC tables"));
        }
        OrcUnwinder unwinder = new OrcUnwinder(orc.get(), memory, symbols);
        StackSearch search = new StackSearch(unwinder, scanner);
        if (regs.userMode()) {
            return fromStackTop(cpu, task, regs, stacks, search);
        }
        OrcUnwinder.Unwind u = unwinder.unwind(regs, stacks);
        List<TraceStep> steps = new ArrayList<>(u.steps());
        if (!u.complete()) {
            long top = stacks.topOf(u.lastSp());
            Optional<List<TraceStep>> resumed = search.resume(u.lastSp(), top, regs.fp(), true, stacks, r -> true);
            steps.addAll(resumed.orElseGet(() -> List.copyOf(scanner.scan(u.lastSp(), top))));
        }
        return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.ORC, u.stop());
    }

    /**
     * {@code threadSp} is the saved {@code task_struct.thread.sp}, pointing at the
     * {@code struct inactive_task_frame} the context switch pushed.
     */
    @Override
    public Backtrace blocked(TaskRef task, long threadSp) {
        Optional<TaskRef> t = Optional.of(task);
        KernelStacks stacks = KernelStacks.none();
        if (orc.isEmpty()) {
            StackScanner scanner = new StackScanner(memory, symbols);
            return new Backtrace(task.cpu(), t, Optional.empty(),
                    List.<TraceStep>copyOf(scanner.scan(threadSp, stacks.topOf(threadSp))),
                    Backtrace.Method.STACK_SCAN, Optional.of("the kernel has no ORC tables"));
        }
        long bp = memory.u64(threadSp + SWITCH_FRAME_BP);
        long slot = threadSp + SWITCH_FRAME_RET;
        OrcUnwinder unwinder = new OrcUnwinder(orc.get(), memory, symbols);
        OrcUnwinder.Unwind u = unwinder.unwindFromReturnAddress(slot, memory.u64(slot), bp, stacks);
        return new Backtrace(task.cpu(), t, Optional.empty(), u.steps(), Backtrace.Method.ORC_FROM_SWITCH_FRAME,
                u.stop());
    }

    /**
     * A CPU whose note holds user-mode registers (a genuine kdump's other CPUs, stopped by an
     * NMI, save the registers the NMI interrupted): those registers sit in a pt_regs at the top
     * of the task stack, and the kernel frames below them are what the CPU was doing when it
     * stopped. Resumes ORC from the stack so that the unwind ends at exactly that pt_regs.
     */
    private Backtrace fromStackTop(int cpu, Optional<TaskRef> task, Registers regs, KernelStacks stacks,
            StackSearch search) {
        OptionalLong top = taskStackTop(cpu);
        if (top.isPresent()) {
            long userRegs = top.getAsLong() - X86_64Registers.PT_REGS_SIZE;
            Optional<List<TraceStep>> found = search.resume(top.getAsLong() - KernelStacks.THREAD_SIZE, userRegs, 0, false,
                    stacks, u -> u.steps().get(u.steps().size() - 1) instanceof ExceptionFrame last
                            && last.address() == userRegs && last.regs().userMode());
            if (found.isPresent()) {
                return new Backtrace(cpu, task, Optional.of(regs), found.get(), Backtrace.Method.ORC_FROM_STACK_SCAN,
                        Optional.empty());
            }
        }
        List<TraceStep> steps = List.of(new ExceptionFrame(ExceptionFrame.FROM_NOTE, regs, false));
        return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.ORC, Optional.empty());
    }

    /**
     * The top of the stack of the task running on {@code cpu}: per-CPU
     * {@code cpu_current_top_of_stack} (before 6.2), else {@code pcpu_hot.top_of_stack}, found
     * without BTF as the one kernel pointer in pcpu_hot aligned to THREAD_SIZE (task stacks are
     * THREAD_SIZE aligned; the IRQ stack pointer there is 8 bytes below a page boundary).
     */
    private OptionalLong taskStackTop(int cpu) {
        try {
            OptionalLong at = percpu.address("cpu_current_top_of_stack", cpu);
            if (at.isPresent()) {
                long v = memory.u64(at.getAsLong());
                return v == 0 ? OptionalLong.empty() : OptionalLong.of(v);
            }
            OptionalLong hot = percpu.address("pcpu_hot", cpu);
            if (hot.isPresent()) {
                ByteBuffer b = memory.buffer(hot.getAsLong(), 64);
                for (int off = 8; off < 64; off += 8) {
                    long v = b.getLong(off);
                    if (v < 0 && v % KernelStacks.THREAD_SIZE == 0) {
                        return OptionalLong.of(v);
                    }
                }
            }
        } catch (MemoryFault e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
