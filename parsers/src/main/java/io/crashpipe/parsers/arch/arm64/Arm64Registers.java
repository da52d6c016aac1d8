package io.crashpipe.parsers.arch.arm64;

import io.crashpipe.parsers.arch.RegisterLayout;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Registers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * arm64's general registers: {@code struct user_pt_regs} (x0-x30, sp, pc, pstate), which is both
 * a PRSTATUS note's pr_reg and the start of the {@code struct pt_regs} the entry code saves on a
 * stack. A pt_regs read from a stack also carries {@code orig_x0} and {@code syscallno}, which
 * crash prints under a user-mode exception frame, so it has a layout of its own.
 */
public final class Arm64Registers implements RegisterLayout {
    private static final List<String> USER_PT_REGS = userPtRegs();
    /** A CPU note's pr_reg. */
    public static final Arm64Registers NOTE = new Arm64Registers(USER_PT_REGS);
    /** A pt_regs saved on a kernel stack. */
    public static final Arm64Registers PT_REGS = new Arm64Registers(withSyscall());

    /** sizeof(struct user_pt_regs): where pt_regs' own fields (orig_x0, syscallno, ...) start. */
    static final int USER_PT_REGS_SIZE = 34 * 8;
    static final int X29 = 29;
    static final int X30 = 30;
    static final int SP = 31;
    static final int PC = 32;
    static final int PSTATE = 33;
    static final int ORIG_X0 = 34;
    static final int SYSCALLNO = 35;
    /** PSR_MODE_MASK: the exception level and stack selection the context ran at; EL0t is 0. */
    private static final long PSR_MODE_MASK = 0xf;

    private final List<String> names;

    private Arm64Registers(List<String> names) {
        this.names = names;
    }

    private static List<String> userPtRegs() {
        List<String> n = new ArrayList<>();
        for (int i = 0; i <= 30; i++) {
            n.add("x" + i);
        }
        n.addAll(List.of("sp", "pc", "pstate"));
        return List.copyOf(n);
    }

    private static List<String> withSyscall() {
        List<String> n = new ArrayList<>(userPtRegs());
        n.addAll(List.of("orig_x0", "syscallno"));
        return List.copyOf(n);
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public int pcIndex() {
        return PC;
    }

    @Override
    public int spIndex() {
        return SP;
    }

    @Override
    public int fpIndex() {
        return X29;
    }

    @Override
    public boolean userMode(Registers regs) {
        return (regs.get(PSTATE) & PSR_MODE_MASK) == 0;
    }

    /** The pt_regs saved at {@code address} on a kernel stack. */
    public static Registers read(VirtualMemory memory, long address) {
        ByteBuffer b = memory.buffer(address, USER_PT_REGS_SIZE + 16);
        long[] v = new long[PT_REGS.names.size()];
        for (int i = 0; i < ORIG_X0; i++) {
            v[i] = b.getLong(8 * i);
        }
        v[ORIG_X0] = b.getLong(USER_PT_REGS_SIZE);
        v[SYSCALLNO] = b.getInt(USER_PT_REGS_SIZE + 8);
        return new Registers(PT_REGS, v);
    }

    /** crash's arm64 register block: PC, LR, SP, then x29 down to x0 three to a line. */
    @Override
    public String crashBlock(Registers r, boolean savedOnStack) {
        return crashBlock(r, Map.of());
    }

    /**
     * An interrupted kernel context as crash prints it (arm64_print_exception_frame, KERNEL_MODE):
     * PC and LR each on a line with the function they point into ({@code [name+decimal offset]}),
     * SP with PSTATE, then x29 down to x0; no orig_x0/syscallno line. User contexts keep the
     * one-line PC/LR/SP block.
     */
    @Override
    public String crashBlock(ExceptionFrame frame) {
        return crashBlock(frame.regs(), frame.symbols());
    }

    @Override
    public boolean exceptionRipLine() {
        return false;
    }

    private String crashBlock(Registers r, Map<Integer, SymbolOffset> symbols) {
        StringBuilder b = new StringBuilder();
        boolean kernel = !userMode(r);
        if (kernel) {
            b.append(String.format("     PC: %016x  %s%n", r.pc(), named(symbols.get(PC))));
            // A link register the unwinder could name was kernel text once its pointer-authentication
            // bits were set again; crash prints it that way too (KERNELPACMASK).
            long lr = symbols.containsKey(X30) ? r.get(X30) | 0xffff_0000_0000_0000L : r.get(X30);
            b.append(String.format("     LR: %016x  %s%n", lr, named(symbols.get(X30))));
            b.append(String.format("     SP: %016x  PSTATE: %08x%n", r.sp(), r.get(PSTATE)));
        } else {
            b.append(line("PC", r.pc(), "LR", r.get(X30), "SP", r.sp()));
        }
        for (int i = 29; i >= 2; i -= 3) {
            b.append(line("X" + i, r.get(i), "X" + (i - 1), r.get(i - 1), "X" + (i - 2), r.get(i - 2)));
        }
        if (kernel) {
            return b.toString();
        }
        if (r.layout() == PT_REGS) {
            b.append(String.format("    ORIG_X0: %016x  SYSCALLNO: %x  PSTATE: %08x%n",
                    r.get(ORIG_X0), r.get(SYSCALLNO), r.get(PSTATE)));
        } else {
            b.append(String.format("    PSTATE: %08x%n", r.get(PSTATE)));
        }
        return b.toString();
    }

    private static String named(SymbolOffset s) {
        if (s == null) {
            return "[unknown or invalid address]";
        }
        return "[" + s.name() + (s.offset() != 0 ? "+" + s.offset() : "") + "]";
    }

    private static String line(String a, long va, String b, long vb, String c, long vc) {
        return String.format("%7s: %016x%5s: %016x%5s: %016x%n", a, va, b, vb, c, vc);
    }
}
