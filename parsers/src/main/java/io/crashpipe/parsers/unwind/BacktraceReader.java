package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.orc.OrcTable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Backtraces of the tasks running on each CPU, from the dump's CPU register notes.
 *
 * <p>Notes are matched to CPUs by their order: a genuine kdump writes one per CPU in CPU order
 * with the running task's real PID, QEMU writes one per vCPU with vCPU index + 1 as "PID"; the
 * order is right in both, the PID only in the first.
 */
public final class BacktraceReader {
    private final VirtualMemory memory;
    private final Kallsyms symbols;
    private final Optional<OrcTable> orc;
    private final PerCpuSymbols percpu;
    private final ActiveTasks tasks;
    private final List<CpuRegisters> notes;
    /** Offsets of bp and ret_addr in x86_64's struct inactive_task_frame. */
    private static final int SWITCH_FRAME_BP = 40;
    private static final int SWITCH_FRAME_RET = 48;

    public BacktraceReader(VirtualMemory memory, Kallsyms symbols, List<CpuRegisters> notes, ActiveTasks tasks) {
        this.memory = memory;
        this.symbols = symbols;
        this.orc = OrcTable.locate(symbols, memory);
        this.percpu = PerCpuSymbols.of(symbols, memory);
        this.tasks = tasks;
        this.notes = List.copyOf(notes);
    }

    /** With the kallsyms-only {@link PerCpuCurrentTask} for the running tasks. */
    public static BacktraceReader withoutBtf(VirtualMemory memory, Kallsyms symbols, List<CpuRegisters> notes) {
        return new BacktraceReader(memory, symbols, notes,
                new PerCpuCurrentTask(PerCpuSymbols.of(symbols, memory), symbols));
    }

    public Optional<OrcTable> orc() {
        return orc;
    }

    public int cpus() {
        return notes.size();
    }

    public ActiveTasks tasks() {
        return tasks;
    }

    /** The CPU that called panic() ({@code panic_cpu}), when a panic was in progress. */
    public OptionalInt panicCpu() {
        OptionalLong at = symbols.address("panic_cpu");
        if (at.isEmpty()) {
            return OptionalInt.empty();
        }
        int cpu = memory.s32(at.getAsLong());
        return cpu >= 0 && cpu < notes.size() ? OptionalInt.of(cpu) : OptionalInt.empty();
    }

    public List<Backtrace> all() {
        List<Backtrace> out = new ArrayList<>();
        for (int cpu = 0; cpu < notes.size(); cpu++) {
            out.add(forCpu(cpu));
        }
        return out;
    }

    public Backtrace forCpu(int cpu) {
        if (cpu < 0 || cpu >= notes.size()) {
            throw new IllegalArgumentException("CPU " + cpu + " has no register note (the dump has " + notes.size() + ")");
        }
        Registers regs = Registers.of(notes.get(cpu));
        Optional<TaskRef> task;
        try {
            task = tasks.onCpu(cpu);
        } catch (MemoryFault e) {
            task = Optional.empty();
        }
        KernelStacks stacks = KernelStacks.of(percpu, cpu);
        Symbolizer sym = symbols::symbolize;
        StackScanner scanner = new StackScanner(memory, sym);
        if (orc.isEmpty()) {
            List<TraceStep> steps = new ArrayList<>(scanner.scan(regs.sp(), stacks.topOf(regs.sp())));
            return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.STACK_SCAN,
                    Optional.of("the kernel has no ORC tables"));
        }
        OrcUnwinder unwinder = new OrcUnwinder(orc.get(), memory, sym);
        StackSearch search = new StackSearch(unwinder, scanner);
        if (regs.userMode()) {
            return fromStackTop(cpu, task, regs, stacks, search);
        }
        OrcUnwinder.Unwind u = unwinder.unwind(regs, stacks);
        List<TraceStep> steps = new ArrayList<>(u.steps());
        if (!u.complete()) {
            long top = stacks.topOf(u.lastSp());
            Optional<List<TraceStep>> resumed = search.resume(u.lastSp(), top, regs.bp(), true, stacks, r -> true);
            steps.addAll(resumed.orElseGet(() -> List.copyOf(scanner.scan(u.lastSp(), top))));
        }
        return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.ORC, u.stop());
    }

    /**
     * The trace of a task that is not running: {@code threadSp} is its saved
     * {@code task_struct.thread.sp} (the offset comes from BTF, which this package does not
     * read), pointing at the {@code struct inactive_task_frame} the context switch pushed: r15,
     * r14, r13, r12, bx, bp, and the return address into the scheduler.
     */
    public Backtrace forBlockedTask(TaskRef task, long threadSp) {
        Optional<TaskRef> t = Optional.of(task);
        KernelStacks stacks = KernelStacks.none();
        if (orc.isEmpty()) {
            StackScanner scanner = new StackScanner(memory, symbols::symbolize);
            return new Backtrace(task.cpu(), t, Optional.empty(),
                    List.<TraceStep>copyOf(scanner.scan(threadSp, stacks.topOf(threadSp))),
                    Backtrace.Method.STACK_SCAN, Optional.of("the kernel has no ORC tables"));
        }
        long bp = memory.u64(threadSp + SWITCH_FRAME_BP);
        long slot = threadSp + SWITCH_FRAME_RET;
        OrcUnwinder unwinder = new OrcUnwinder(orc.get(), memory, symbols::symbolize);
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
            long userRegs = top.getAsLong() - Registers.PT_REGS_SIZE;
            Optional<List<TraceStep>> found = search.resume(top.getAsLong() - KernelStacks.THREAD_SIZE, userRegs, 0, false, stacks,
                    u -> u.steps().get(u.steps().size() - 1) instanceof ExceptionFrame last
                            && last.address() == userRegs && last.regs().userMode());
            if (found.isPresent()) {
                return new Backtrace(cpu, task, Optional.of(regs), found.get(), Backtrace.Method.ORC_FROM_STACK_SCAN, Optional.empty());
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
