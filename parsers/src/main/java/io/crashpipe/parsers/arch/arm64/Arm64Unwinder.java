package io.crashpipe.parsers.arch.arm64;

import io.crashpipe.parsers.arch.KernelUnwinder;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.StackKind;
import io.crashpipe.parsers.unwind.StackSwitch;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.unwind.TraceStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * arm64 backtraces by frame records: every arm64 kernel is built with frame pointers, and each
 * function's prologue stores {@code {x29, x30}} (caller's frame record, return address) at x29.
 * The exception entry code stores one inside {@code struct pt_regs} ({@code stackframe}, at the
 * same offset since Linux 4.x), linking the interrupted context into the chain; a frame whose pc
 * lies in {@code .entry.text} therefore owns the pt_regs just below its record. The chain ends
 * with a zero record (the one in the user-mode pt_regs at the top of a task stack).
 *
 * <p>Frames carry, as crash prints them, the address of the frame record each function set up
 * (its x29) and, for a return address, the call instruction 4 bytes before it. A record on
 * another stack than the one before it is a change from the IRQ stack to the task stack.
 */
final class Arm64Unwinder implements KernelUnwinder {
    /** offsetof(struct pt_regs, stackframe): user_pt_regs (272), orig_x0, syscallno + pad, sdei_ttbr1 / orig_addr_limit, pmr_save. */
    static final int PT_REGS_STACKFRAME = 304;
    private static final int MAX_FRAMES = 512;

    private final VirtualMemory memory;
    private final Symbolizer symbols;
    private final OptionalLong entryTextStart;
    private final OptionalLong entryTextEnd;

    Arm64Unwinder(UnwindContext context) {
        this.memory = context.memory();
        this.symbols = context.symbolizer();
        this.entryTextStart = context.kallsyms().address("__entry_text_start");
        this.entryTextEnd = context.kallsyms().address("__entry_text_end");
    }

    @Override
    public String describe() {
        return "frame records (arm64 kernels keep frame pointers)";
    }

    @Override
    public Backtrace running(int cpu, Optional<TaskRef> task, Registers regs) {
        if (regs.userMode()) {
            List<TraceStep> steps = List.of(new ExceptionFrame(ExceptionFrame.FROM_NOTE, regs, false));
            return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.FRAME_POINTER, Optional.empty());
        }
        List<TraceStep> steps = new ArrayList<>();
        Optional<String> stop;
        if (inEntryText(regs.pc())) {
            stop = fromExceptionVector(regs, steps);
        } else {
            stop = walk(regs.pc(), regs.fp(), false, steps);
        }
        return new Backtrace(cpu, task, Optional.of(regs), steps, Backtrace.Method.FRAME_POINTER, stop);
    }

    /**
     * The CPU stopped on an exception vector, before the entry code saved anything: x0-x30 are
     * still the interrupted context's, but its pc (in ELR_EL1) is not in the note. The trace goes on
     * from its link register, which is the interrupted function's return address unless that
     * function had already reused it (so that frame is marked unreliable), then from its x29.
     */
    private Optional<String> fromExceptionVector(Registers regs, List<TraceStep> steps) {
        steps.add(new Frame(regs.pc(), regs.fp(), symbols.symbolize(regs.pc()), true));
        long fp = regs.fp();
        long recorded = leafCaller(regs.pc(), stripPac(regs.get(Arm64Registers.X30)), fp, steps);
        if (fp == 0) {
            return Optional.empty();
        }
        try {
            long nextFp = memory.u64(fp);
            return walk(recorded, nextFp, true, steps);
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return Optional.of("frame record at " + hex(fp) + " cannot be read: " + e.unavailable().describe());
        }
    }

    /**
     * The caller of an interrupted function, from the link register, when the frame record at
     * {@code fp} does not name it: the function was a leaf (it keeps its return address in x30 and
     * pushes no record), or had not pushed its record yet. Added as an unreliable frame, since x30
     * may also be a stale return from a call the function already made. Returns the return address
     * the record at {@code fp} holds (0 when there is none).
     */
    private long leafCaller(long pc, long lr, long fp, List<TraceStep> steps) {
        long recorded = 0;
        try {
            recorded = fp != 0 ? stripPac(memory.u64(fp + 8)) : 0;
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
        }
        if (symbols.isText(lr) && lr != recorded) {
            Optional<SymbolOffset> caller = symbols.symbolize(lr - 4);
            Optional<SymbolOffset> self = symbols.symbolize(pc);
            boolean sameFunction = caller.isPresent() && self.isPresent() && caller.get().name().equals(self.get().name())
                    && caller.get().offset() - self.get().offset() == lr - 4 - pc;
            if (!sameFunction) {
                steps.add(new Frame(lr - 4, fp, caller, false));
            }
        }
        return recorded;
    }

    /**
     * {@code savedSp} is {@code thread.cpu_context.sp}: {@code cpu_switch_to} saved it with fp and
     * the return pc beside it, and {@code __switch_to}'s frame record sits at that sp.
     */
    @Override
    public Backtrace blocked(TaskRef task, long savedSp) {
        List<TraceStep> steps = new ArrayList<>();
        Optional<String> stop;
        try {
            long fp = memory.u64(savedSp);
            long lr = memory.u64(savedSp + 8);
            stop = walk(lr, fp, true, steps);
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            stop = Optional.of("the switch frame at " + hex(savedSp) + " cannot be read: " + e.unavailable().describe());
        }
        return new Backtrace(task.cpu(), Optional.of(task), Optional.empty(), steps, Backtrace.Method.FRAME_POINTER,
                stop);
    }

    /** Follows frame records from {@code pc}/{@code fp}; returns why it stopped early, if it did. */
    private Optional<String> walk(long pc, long fp, boolean pcIsReturn, List<TraceStep> steps) {
        boolean returnAddress = pcIsReturn;
        long lastFp = 0;
        long interruptedLr = 0; // the link register of a kernel context an exception interrupted
        for (int n = 0; n < MAX_FRAMES; n++) {
            // A return address is shown as the call instruction before it (crash does the same), so the
            // frame names the caller even when the call was the function's last instruction.
            long shown = returnAddress ? pc - 4 : pc;
            if (lastFp != 0 && !sameStack(fp, lastFp) && fp != 0) {
                steps.add(new StackSwitch(StackKind.IRQ));
            }
            steps.add(new Frame(shown, fp, symbols.symbolize(shown), true));
            if (interruptedLr != 0) {
                leafCaller(pc, interruptedLr, fp, steps);
                interruptedLr = 0;
            }
            if (fp == 0) {
                return Optional.empty();
            }
            if ((fp & 0xf) != 0 || fp > 0) {
                return Optional.of("frame pointer " + hex(fp) + " is not a 16-byte aligned kernel address");
            }
            if (lastFp != 0 && Long.compareUnsigned(fp, lastFp) <= 0 && sameStack(fp, lastFp)) {
                return Optional.of("frame pointer " + hex(fp) + " does not move up the stack from " + hex(lastFp));
            }
            long nextFp;
            long nextPc;
            try {
                nextFp = memory.u64(fp);
                nextPc = memory.u64(fp + 8);
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
                return Optional.of("frame record at " + hex(fp) + " cannot be read: " + e.unavailable().describe());
            }
            if (inEntryText(pc)) {
                // This frame's record is the stackframe of a pt_regs: the exception's saved context.
                Registers saved;
                try {
                    saved = Arm64Registers.read(memory, fp - PT_REGS_STACKFRAME);
                } catch (MemoryFault e) {
                    MemoryFault.propagateIfWaiting(e);
                    return Optional.of("exception frame at " + hex(fp - PT_REGS_STACKFRAME) + " cannot be read");
                }
                steps.add(new ExceptionFrame(fp - PT_REGS_STACKFRAME, saved, false, namedPcAndLr(saved)));
                if (saved.userMode() || nextFp == 0) {
                    return Optional.empty();
                }
                // The record holds the interrupted x29 and pc: an exact pc, not a return address.
                lastFp = fp;
                fp = nextFp;
                pc = nextPc;
                returnAddress = false;
                interruptedLr = stripPac(saved.get(Arm64Registers.X30));
                continue;
            }
            if (nextFp == 0 && nextPc == 0) {
                return Optional.empty();
            }
            lastFp = fp;
            fp = nextFp;
            pc = stripPac(nextPc);
            returnAddress = true;
        }
        return Optional.of("more than " + MAX_FRAMES + " frames");
    }

    /** The functions an interrupted kernel context's pc and link register point into, for its register block. */
    private Map<Integer, SymbolOffset> namedPcAndLr(Registers saved) {
        if (saved.userMode()) {
            return Map.of();
        }
        Map<Integer, SymbolOffset> names = new HashMap<>();
        symbols.symbolize(saved.pc()).ifPresent(s -> names.put(Arm64Registers.PC, s));
        long lr = stripPac(saved.get(Arm64Registers.X30));
        if (symbols.isText(lr)) {
            symbols.symbolize(lr).ifPresent(s -> names.put(Arm64Registers.X30, s));
        }
        return names;
    }

    /**
     * Pointer authentication signs return addresses in their top bits; a kernel text address has
     * them all set, so a signed one is restored by setting the bits above a 48-bit address.
     */
    private long stripPac(long lr) {
        if (lr == 0 || symbols.isText(lr)) {
            return lr;
        }
        return lr | 0xffff_0000_0000_0000L;
    }

    private boolean inEntryText(long pc) {
        return entryTextStart.isPresent() && entryTextEnd.isPresent()
                && Long.compareUnsigned(pc, entryTextStart.getAsLong()) >= 0
                && Long.compareUnsigned(pc, entryTextEnd.getAsLong()) < 0;
    }

    /** Records on one stack only move up; a jump to another stack (IRQ to task) may go either way. */
    private static boolean sameStack(long a, long b) {
        return (a & -Arm64.THREAD_SIZE) == (b & -Arm64.THREAD_SIZE);
    }


    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
