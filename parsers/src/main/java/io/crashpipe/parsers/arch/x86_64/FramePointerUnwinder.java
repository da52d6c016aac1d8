package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
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
 * Walks the frame-pointer chain of a kernel built with CONFIG_UNWINDER_FRAME_POINTER (no ORC),
 * as arch/x86/kernel/unwind_frame.c does: every function starts with {@code push %rbp; mov
 * %rsp,%rbp}, so {@code [rbp]} is the caller's rbp and {@code [rbp+8]} the return address. The
 * entry code marks an interrupt or exception by storing the pt_regs address + 1 in rbp
 * (ENCODE_FRAME_POINTER), so an odd rbp leads to a register frame. The chain ends at rbp 0 or at
 * the user pt_regs that sit right above the last frame at the top of the task stack (below FRED's
 * 16-byte padding on 6.9+ kernels built with it).
 */
final class FramePointerUnwinder {
    private final VirtualMemory memory;
    private final Symbolizer symbols;

    FramePointerUnwinder(VirtualMemory memory, Symbolizer symbols) {
        this.memory = memory;
        this.symbols = symbols;
    }

    /** From registers at an exact instruction: a frame for their ip, then the rbp chain. */
    Unwind unwind(Registers regs, KernelStacks stacks) {
        List<TraceStep> steps = new ArrayList<>();
        if (regs.userMode()) {
            return new Unwind(steps, Optional.empty(), regs.sp(), regs.fp());
        }
        steps.add(Frame.named(symbols, regs.pc(), Frame.NO_SLOT, false, true));
        return walk(steps, regs.fp(), regs.sp(), stacks);
    }

    /** From a return address at {@code slot} (a blocked task's switch frame) with the saved rbp. */
    Unwind fromReturnAddress(long slot, long returnAddress, long bp, KernelStacks stacks) {
        List<TraceStep> steps = new ArrayList<>();
        steps.add(Frame.named(symbols, returnAddress, slot, true, true));
        return walk(steps, bp, slot + 8, stacks);
    }

    /** Carries on from the rbp and sp another unwinder stopped at; the steps found are appended to {@code steps}. */
    Unwind resume(List<TraceStep> steps, long bp, long sp, KernelStacks stacks) {
        return walk(new ArrayList<>(steps), bp, sp, stacks);
    }

    private Unwind walk(List<TraceStep> steps, long bp, long sp, KernelStacks stacks) {
        for (int n = 0; n < OrcUnwinder.MAX_FRAMES; n++) {
            try {
                if (bp == 0) {
                    return new Unwind(steps, Optional.empty(), sp, bp);
                }
                if ((bp & 1) != 0) {
                    long at = bp & ~1L;
                    if (!above(at, sp, stacks)) {
                        return stop(steps, sp, bp, "encoded pt_regs pointer " + hex(at) + " is below the stack pointer");
                    }
                    Registers r = X86_64Registers.read(memory, at);
                    StackKind before = stacks.kindOf(sp);
                    steps.add(new ExceptionFrame(at, r, false));
                    if (r.userMode()) {
                        return new Unwind(steps, Optional.empty(), at, bp);
                    }
                    if (stacks.kindOf(r.sp()) != before && before != StackKind.TASK) {
                        steps.add(new StackSwitch(before));
                    }
                    steps.add(Frame.named(symbols, r.pc(), Frame.NO_SLOT, false, true));
                    bp = r.fp();
                    sp = r.sp();
                    continue;
                }
                if ((bp & 7) != 0 || !above(bp, sp, stacks)) {
                    return stop(steps, sp, bp, "frame pointer " + hex(bp) + " is not a frame above the stack pointer "
                            + hex(sp));
                }
                long ret = memory.u64(bp + 8);
                Frame f = Frame.named(symbols, ret, bp + 8, true, true);
                if (f.symbol().isEmpty() || !symbols.isText(ret - 1)) {
                    return stop(steps, sp, bp, "return address " + hex(ret) + " at " + hex(bp + 8) + " is not kernel text");
                }
                StackKind before = stacks.kindOf(sp);
                if (stacks.kindOf(bp) != before && before != StackKind.TASK) {
                    steps.add(new StackSwitch(before));
                }
                steps.add(f);
                long next = memory.u64(bp);
                sp = bp + 16;
                // The user pt_regs right above the last frame of a task that entered from user mode.
                long top = stacks.topOf(bp);
                long gap = top - (sp + X86_64Registers.PT_REGS_SIZE);
                if (next == 0 && stacks.kindOf(bp) == StackKind.TASK && (gap == 0 || gap == KernelStacks.FRED_PADDING)) {
                    Registers user = X86_64Registers.read(memory, sp);
                    if (user.userMode()) {
                        steps.add(new ExceptionFrame(sp, user, false));
                        return new Unwind(steps, Optional.empty(), sp, next);
                    }
                }
                bp = next;
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
                return stop(steps, sp, bp, "stack not readable: " + e.getMessage());
            }
        }
        return stop(steps, sp, bp, "more than " + OrcUnwinder.MAX_FRAMES + " frames");
    }

    /** {@code addr} is higher on the same stack as {@code sp}, or on the stack a special stack returns to. */
    private static boolean above(long addr, long sp, KernelStacks stacks) {
        if (stacks.kindOf(addr) != stacks.kindOf(sp)) {
            return stacks.kindOf(sp) != StackKind.TASK; // leaving an IRQ/exception stack for the one below
        }
        return Long.compareUnsigned(addr, sp) >= 0 && Long.compareUnsigned(addr, stacks.topOf(sp)) < 0;
    }

    private static Unwind stop(List<TraceStep> steps, long sp, long bp, String why) {
        return new Unwind(steps, Optional.of(why), sp, bp);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
