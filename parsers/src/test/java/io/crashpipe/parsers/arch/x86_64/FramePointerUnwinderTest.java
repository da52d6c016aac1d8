package io.crashpipe.parsers.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.unwind.TraceStep;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A frame-pointer kernel's stack built by hand (no fixture kernel lacks ORC): functions f1..f4
 * each 0x100 bytes of text, a task stack of THREAD_SIZE with the user pt_regs at its top.
 */
class FramePointerUnwinderTest {
    private static final long TEXT = 0xffffffff81000000L;
    private static final long STACK = 0xffffc90000010000L;
    private static final long TOP = STACK + KernelStacks.THREAD_SIZE;

    /** Addresses TEXT + k*0x100 .. are function f{k}. */
    private static final Symbolizer SYMBOLS = a -> Long.compareUnsigned(a, TEXT) >= 0
            && Long.compareUnsigned(a, TEXT + 0x1000) < 0
            ? Optional.of(new SymbolOffset("f" + ((a - TEXT) >> 8), (a - TEXT) & 0xff, 0x100)) : Optional.empty();

    private final ByteBuffer stack = ByteBuffer.allocate((int) KernelStacks.THREAD_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    private final VirtualMemory memory = (vaddr, dst, off, len) -> {
        if (Long.compareUnsigned(vaddr, STACK) < 0 || Long.compareUnsigned(vaddr + len, TOP) > 0) {
            return new Unavailable(vaddr, true, -1, Unavailable.Reason.NOT_MAPPED, "outside the test stack");
        }
        stack.get((int) (vaddr - STACK), dst, off, len);
        return ReadResult.OK;
    };

    private void put(long at, long value) {
        stack.putLong((int) (at - STACK), value);
    }

    private static long[] regs(long ip, long sp, long bp, long cs) {
        long[] v = new long[21];
        v[16] = ip;
        v[19] = sp;
        v[4] = bp;
        v[17] = cs;
        return v;
    }

    private void putRegs(long at, long[] v) {
        for (int i = 0; i < v.length; i++) {
            put(at + 8L * i, v[i]);
        }
    }

    @Test
    void followsTheRbpChainThroughAnInterruptFrameToTheUserRegistersAtTheStackTop() {
        long user = TOP - X86_64Registers.PT_REGS_SIZE;
        putRegs(user, regs(0x401000, 0x7ffe0000, 0x7ffe0100, 0x33));
        // f1 (called from the syscall entry) has the last frame: saved rbp 0, return into f0.
        long f1 = user - 16;
        put(f1, 0);
        put(f1 + 8, TEXT + 0x40);
        // An interrupt in f1: kernel pt_regs, and the handler's rbp = pt_regs + 1 (ENCODE_FRAME_POINTER).
        long irq = f1 - 0x200;
        putRegs(irq, regs(TEXT + 0x130, f1 - 0x20, f1, 0x10));
        // f3 called f2 from the handler; f2's frame holds the encoded pointer as the caller's rbp.
        long f2 = irq - 0x40;
        put(f2, irq + 1);
        put(f2 + 8, TEXT + 0x250);
        long f3 = f2 - 0x40;
        put(f3, f2);
        put(f3 + 8, TEXT + 0x2a0);
        Registers at = new Registers(X86_64Registers.LAYOUT, regs(TEXT + 0x310, f3 - 0x18, f3, 0x10));

        Unwind u = new FramePointerUnwinder(memory, SYMBOLS).unwind(at, KernelStacks.none());

        assertTrue(u.complete(), u.stop().toString());
        List<TraceStep> steps = u.steps();
        assertEquals(List.of("f3", "f2", "f2", "f1", "f0"), steps.stream().filter(Frame.class::isInstance)
                .map(s -> ((Frame) s).name().orElseThrow()).toList());
        assertEquals(f3 + 8, ((Frame) steps.get(1)).slot());
        ExceptionFrame kernel = assertInstanceOf(ExceptionFrame.class, steps.get(3));
        assertEquals(irq, kernel.address());
        assertEquals(TEXT + 0x130, ((Frame) steps.get(4)).pc());
        ExceptionFrame last = assertInstanceOf(ExceptionFrame.class, steps.get(steps.size() - 1));
        assertEquals(user, last.address());
        assertTrue(last.regs().userMode());
    }

    @Test
    void aFramePointerBelowTheStackPointerStopsTheChainSayingSo() {
        long f1 = TOP - 0x400;
        put(f1, f1 - 0x100); // points down: corrupt
        put(f1 + 8, TEXT + 0x40);
        Registers at = new Registers(X86_64Registers.LAYOUT, regs(TEXT + 0x110, f1 - 0x10, f1, 0x10));

        Unwind u = new FramePointerUnwinder(memory, SYMBOLS).unwind(at, KernelStacks.none());

        assertEquals(List.of("f1", "f0"), u.steps().stream().map(s -> ((Frame) s).name().orElseThrow()).toList());
        assertTrue(u.stop().orElseThrow().contains("not a frame above the stack pointer"), u.stop().toString());
    }
}
