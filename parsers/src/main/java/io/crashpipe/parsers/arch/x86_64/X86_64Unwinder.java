package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.arch.KernelUnwinder;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.module.ModuleOrcReader;
import io.crashpipe.parsers.orc.OrcTable;
import io.crashpipe.parsers.orc.OrcTables;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.StackScanner;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.unwind.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * x86_64 backtraces from the registers of a CPU note or from a blocked task's switch frame, with
 * the kernel's IRQ and exception stacks named: ORC where the kernel has it (image and modules),
 * frame pointers where it has not, and a stack scan where both give out.
 */
final class X86_64Unwinder implements KernelUnwinder {
    /** Offsets of bp and ret_addr in x86_64's struct inactive_task_frame (r15, r14, r13, r12, bx, bp, ret_addr). */
    private static final int SWITCH_FRAME_BP = 40;
    private static final int SWITCH_FRAME_RET = 48;

    private final VirtualMemory memory;
    private final Symbolizer symbols;
    private final Optional<OrcTables> orc;
    /** Why the kernel's ORC tables, which kallsyms names, could not be read or made sense of. */
    private final Optional<String> orcUnusable;
    private final PerCpuSymbols percpu;

    X86_64Unwinder(UnwindContext context) {
        this.memory = context.memory();
        this.symbols = context.symbolizer();
        Optional<OrcTables> tables;
        String unusable = null;
        try {
            tables = OrcTable.locate(context.kallsyms(), memory).map(kernel -> new OrcTables(kernel,
                    context.btf().map(btf -> ModuleOrcReader.read(memory, btf, context.modules(), kernel.format()))
                            .orElse(List.of())));
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            tables = Optional.empty();
            unusable = e.getMessage();
        } catch (IllegalStateException e) {
            tables = Optional.empty();
            unusable = e.getMessage();
        }
        this.orc = tables;
        this.orcUnusable = Optional.ofNullable(unusable).map(w -> "the kernel's ORC tables cannot be used: " + w);
        this.percpu = PerCpuSymbols.of(context.kallsyms(), memory);
    }

    @Override
    public String describe() {
        return orc.map(OrcTables::describe).or(() -> orcUnusable).orElse("no ORC tables");
    }

    /**
     * A frame-pointer trace of a kernel that has ORC tables which could not be used: its rbp is an
     * ordinary register, so the chain's frames are only guesses ('?') and the trace says why.
     */
    private Backtrace withoutUsableOrc(Backtrace fp) {
        if (orcUnusable.isEmpty()) {
            return fp;
        }
        List<TraceStep> steps = fp.steps().stream()
                .map(s -> s instanceof Frame f && !f.fromRegisters() ? f.unreliable() : s)
                .toList();
        return new Backtrace(fp.cpu(), fp.task(), fp.note(), steps, fp.method(), orcUnusable);
    }

    /**
     * Layered as drgn does: ORC (with the kernel's one-step frame-pointer guess where ORC has no
     * entry), then the frame-pointer chain, then a search of the stack for the frame where ORC
     * can resume, and last a plain scan whose frames are marked unreliable. A kernel without ORC
     * is unwound by its frame pointers.
     */
    @Override
    public Backtrace running(int cpu, Optional<TaskRef> task, Registers regs) {
        KernelStacks stacks = KernelStacks.of(percpu, cpu);
        StackScanner scanner = new StackScanner(memory, symbols);
        FramePointerUnwinder fp = new FramePointerUnwinder(memory, symbols);
        if (orc.isEmpty()) {
            Unwind u = fp.unwind(regs, stacks);
            List<TraceStep> steps = new ArrayList<>(u.steps());
            if (!u.complete()) {
                steps.addAll(scanner.scan(u.lastSp(), stacks.topOf(u.lastSp())));
            }
            return withoutUsableOrc(new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.FRAME_POINTER,
                    u.stop()));
        }
        OrcUnwinder unwinder = new OrcUnwinder(orc.get(), memory, symbols);
        StackSearch search = new StackSearch(unwinder, scanner);
        if (regs.userMode()) {
            return fromStackTop(cpu, task, regs, stacks, search);
        }
        Unwind u = unwinder.unwind(regs, stacks);
        if (u.complete()) {
            return new Backtrace(cpu, task, Optional.of(regs), u.steps(), Backtrace.Method.ORC, u.stop());
        }
        // In an ORC kernel rbp is an ordinary register: its chain is taken only when it leads exactly
        // to the user registers at the top of the task stack.
        Unwind chain = fp.resume(u.steps(), u.lastBp(), u.lastSp(), stacks);
        if (chain.complete() && chain.steps().size() > u.steps().size()
                && chain.steps().get(chain.steps().size() - 1) instanceof ExceptionFrame last && last.regs().userMode()) {
            return new Backtrace(cpu, task, Optional.of(regs), chain.steps(), Backtrace.Method.ORC_THEN_FRAME_POINTER,
                    u.stop());
        }
        List<TraceStep> steps = new ArrayList<>(u.steps());
        long top = stacks.topOf(u.lastSp());
        Optional<List<TraceStep>> resumed = search.resume(u.lastSp(), top, regs.fp(), true, stacks, r -> true);
        steps.addAll(resumed.orElseGet(() -> List.copyOf(scanner.scan(u.lastSp(), top))));
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
        long bp = memory.u64(threadSp + SWITCH_FRAME_BP);
        long slot = threadSp + SWITCH_FRAME_RET;
        if (orc.isEmpty()) {
            Unwind u = new FramePointerUnwinder(memory, symbols).fromReturnAddress(slot, memory.u64(slot), bp, stacks);
            return withoutUsableOrc(new Backtrace(task.cpu(), t, Optional.empty(), u.steps(),
                    Backtrace.Method.FRAME_POINTER, u.stop()));
        }
        OrcUnwinder unwinder = new OrcUnwinder(orc.get(), memory, symbols);
        Unwind u = unwinder.unwindFromReturnAddress(slot, memory.u64(slot), bp, stacks);
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
        OptionalLong top = KernelStacks.taskStackTop(percpu, cpu);
        if (top.isPresent()) {
            long userRegs = top.getAsLong() - X86_64Registers.PT_REGS_SIZE;
            Optional<List<TraceStep>> found = search.resume(KernelStacks.stackBase(top.getAsLong()), userRegs, 0, false,
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
}
