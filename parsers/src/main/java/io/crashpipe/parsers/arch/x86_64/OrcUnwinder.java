package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.orc.OrcEntry;
import io.crashpipe.parsers.orc.OrcReg;
import io.crashpipe.parsers.orc.OrcTables;
import io.crashpipe.parsers.orc.OrcType;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.StackKind;
import io.crashpipe.parsers.unwind.StackSwitch;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.unwind.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks a kernel stack with the kernel's ORC data, the way the kernel's own unwinder does: each
 * entry gives the caller's stack pointer (CFA) from SP, BP, a pointer on the stack, or a register
 * of a saved pt_regs, and says whether the caller's context is a return address (CALL) or a
 * pt_regs / iret frame (an interrupt or exception, whose registers are reported).
 */
public final class OrcUnwinder {
    /** The kernel's orc_fp_entry: CFA = rbp + 16, the caller's rbp saved at rbp. */
    private static final OrcEntry FRAME_POINTER_ENTRY = new OrcEntry(16, -16, OrcReg.BP, OrcReg.PREV_SP, OrcType.CALL,
            false);

    /** Deeper than any real kernel call chain across all its stacks. */
    static final int MAX_FRAMES = 256;

    private final OrcTables orc;
    private final VirtualMemory memory;
    private final Symbolizer symbols;

    public OrcUnwinder(OrcTables orc, VirtualMemory memory, Symbolizer symbols) {
        this.orc = orc;
        this.memory = memory;
        this.symbols = symbols;
    }

    /**
     * The trace from a register set taken at an exact instruction (a CPU note, an interrupt):
     * a {@link Frame} for {@code regs.pc()} first, then its callers. Stops at the end of the
     * stacks (user mode, an end-of-stack entry) or where the data gives out ({@link Unwind#stop}).
     */
    public Unwind unwind(Registers regs, KernelStacks stacks) {
        State s = new State();
        s.ip = regs.pc();
        s.sp = regs.sp();
        s.bp = regs.fp();
        s.regs = regs;
        s.fullRegs = true;
        s.signal = true;
        List<TraceStep> steps = new ArrayList<>();
        if (regs.userMode()) {
            return new Unwind(steps, Optional.empty(), s.sp, s.bp);
        }
        steps.add(Frame.named(symbols, s.ip, Frame.NO_SLOT, false, true));
        return walk(s, steps, stacks);
    }

    /**
     * The trace of callers above a return address found at {@code slot} (used by the stack scan
     * to try candidate frames): the frame itself first. {@code bp} is the best known value of
     * the frame pointer register (callee-saved, so often still the caller's), or 0.
     */
    public Unwind unwindFromReturnAddress(long slot, long returnAddress, long bp, KernelStacks stacks) {
        State s = new State();
        s.ip = returnAddress;
        s.sp = slot + 8;
        s.bp = bp;
        s.signal = false;
        List<TraceStep> steps = new ArrayList<>();
        steps.add(Frame.named(symbols, returnAddress, slot, true, true));
        return walk(s, steps, stacks);
    }

    /** Room above sp at a true end of stack: pt_regs (168 bytes), a fork switch frame (56), FRED padding (16). */
    private static final long END_OF_STACK_SLACK = 512;

    private Unwind walk(State s, List<TraceStep> steps, KernelStacks stacks) {
        for (int n = 0; n < MAX_FRAMES; n++) {
            long lookupIp = s.signal ? s.ip : s.ip - 1;
            Optional<OrcEntry> found;
            try {
                found = orc.find(lookupIp);
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
                return stop(steps, s, "ORC data for " + hex(s.ip) + " not in the dump: " + e.getMessage());
            }
            if (found.isEmpty()) {
                // Like the kernel's unwinder: code ORC does not know (BPF programs, ftrace trampolines) is
                // assumed to keep a frame pointer, for one step, when rbp points at a frame on this stack.
                if (!framePointerFrame(s, stacks)) {
                    return stop(steps, s, "no ORC entry for " + hex(s.ip) + " (not in the kernel's or a loaded module's"
                            + " text) and rbp is no frame pointer");
                }
                found = Optional.of(FRAME_POINTER_ENTRY);
            }
            OrcEntry e = found.get();
            if (e.type() == OrcType.END_OF_STACK) {
                // The real end of a task stack leaves at most its pt_regs (and a switch frame) above sp;
                // an end marker deep inside the stack is damaged ORC data, not the end of the trace.
                long left = stacks.topOf(s.sp) - s.sp;
                if (stacks.kindOf(s.sp) == StackKind.TASK && Long.compareUnsigned(left, END_OF_STACK_SLACK) > 0) {
                    return stop(steps, s, "ORC end-of-stack marker at " + hex(s.ip) + " with " + left
                            + " bytes of stack still above it (damaged ORC data)");
                }
                return new Unwind(steps, Optional.empty(), s.sp, s.bp);
            }
            if (e.type() == OrcType.UNDEFINED) {
                return stop(steps, s, "ORC marks " + hex(s.ip) + " as having no unwind information");
            }
            StackKind before = stacks.kindOf(s.sp);
            long prevSp = s.sp;
            try {
                if (!step(s, e, steps)) {
                    return stop(steps, s, "ORC entry for " + hex(s.ip) + " uses register " + e.spReg()
                            + " which this frame does not have");
                }
            } catch (MemoryFault f) {
                MemoryFault.propagateIfWaiting(f);
                return stop(steps, s, "stack not readable: " + f.getMessage());
            }
            if (s.userMode) {
                return new Unwind(steps, Optional.empty(), s.sp, s.bp);
            }
            StackKind after = stacks.kindOf(s.sp);
            if (after != before) {
                if (before != StackKind.TASK) {
                    steps.add(new StackSwitch(before));
                }
            } else if (Long.compareUnsigned(s.sp, prevSp) <= 0 && !s.crossedRegs) {
                return stop(steps, s, "stack pointer did not move up at " + hex(s.ip) + " (bad ORC data or a loop)");
            }
            if (s.ip == 0) {
                return stop(steps, s, "return address 0 at " + hex(s.slot));
            }
            steps.add(Frame.named(symbols, s.ip, s.slot, s.slot != Frame.NO_SLOT, true));
        }
        return stop(steps, s, "more than " + MAX_FRAMES + " frames");
    }

    /** One unwind step; false when the CFA needs a register this frame did not save. */
    private boolean step(State s, OrcEntry e, List<TraceStep> steps) {
        long cfa;
        switch (e.spReg()) {
            case SP -> cfa = s.sp + e.spOffset();
            case BP -> cfa = s.bp + e.spOffset();
            case SP_INDIRECT -> cfa = memory.u64(s.sp) + e.spOffset();
            case BP_INDIRECT -> cfa = memory.u64(s.bp + e.spOffset());
            case R10, R13, DI, DX, AX -> {
                if (s.regs == null || !s.fullRegs) {
                    return false;
                }
                cfa = s.regs.get(switch (e.spReg()) {
                    case R10 -> "r10";
                    case R13 -> "r13";
                    case DI -> "rdi";
                    case AX -> "rax";
                    default -> "rdx";
                });
            }
            default -> {
                return false;
            }
        }
        long oldBp = s.bp;
        s.crossedRegs = false;
        switch (e.type()) {
            case CALL -> {
                s.slot = cfa - 8;
                s.ip = memory.u64(s.slot);
                s.sp = cfa;
                s.regs = null;
            }
            case REGS -> {
                Registers r = X86_64Registers.read(memory, cfa);
                steps.add(new ExceptionFrame(cfa, r, false));
                s.regs = r;
                s.fullRegs = true;
                enterRegs(s, r);
            }
            case REGS_PARTIAL -> {
                long base = cfa - X86_64Registers.IRET_FRAME_OFFSET;
                Registers r = X86_64Registers.read(memory, base);
                steps.add(new ExceptionFrame(base, r, true));
                s.regs = r;
                s.fullRegs = false;
                enterRegs(s, r);
            }
            default -> throw new IllegalStateException("unexpected ORC type " + e.type());
        }
        switch (e.bpReg()) {
            case UNDEFINED -> {
                if (s.regs != null && s.fullRegs && s.crossedRegs) {
                    s.bp = s.regs.fp();
                }
            }
            case PREV_SP -> s.bp = memory.u64(cfa + e.bpOffset());
            case BP -> s.bp = memory.u64(oldBp + e.bpOffset());
            default -> {
                return false;
            }
        }
        s.signal = e.signal();
        return true;
    }

    private static boolean framePointerFrame(State s, KernelStacks stacks) {
        return s.bp != 0 && (s.bp & 7) == 0 && stacks.kindOf(s.bp) == stacks.kindOf(s.sp)
                && Long.compareUnsigned(s.bp, s.sp) >= 0 && Long.compareUnsigned(s.bp + 16, stacks.topOf(s.sp)) <= 0;
    }

    private static void enterRegs(State s, Registers r) {
        s.slot = Frame.NO_SLOT;
        s.ip = r.pc();
        s.sp = r.sp();
        s.userMode = r.userMode();
        s.crossedRegs = true;
    }

    private static Unwind stop(List<TraceStep> steps, State s, String why) {
        return new Unwind(steps, Optional.of(why), s.sp, s.bp);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static final class State {
        long ip;
        long sp;
        long bp;
        long slot = Frame.NO_SLOT;
        Registers regs;
        boolean fullRegs;
        boolean signal;
        boolean userMode;
        boolean crossedRegs;
    }
}
