package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.arch.RegisterLayout;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.unwind.Registers;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * x86_64's general registers in {@code struct pt_regs} order (also the first 21 words of
 * {@code user_regs_struct}, i.e. of a PRSTATUS note's pr_reg), and the pt_regs frames the entry
 * code saves on a stack.
 */
public final class X86_64Registers implements RegisterLayout {
    public static final X86_64Registers LAYOUT = new X86_64Registers();

    private static final List<String> NAMES = List.of(
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss");

    /** sizeof(struct pt_regs) on x86_64. */
    public static final int PT_REGS_SIZE = 8 * 21;
    /** offsetof(struct pt_regs, ip): where the hardware iret frame starts. */
    public static final int IRET_FRAME_OFFSET = 8 * 16;

    static final int RBP = 4;
    static final int RIP = 16;
    static final int CS = 17;
    static final int EFLAGS = 18;
    static final int RSP = 19;
    static final int SS = 20;

    private X86_64Registers() {}

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public int pcIndex() {
        return RIP;
    }

    @Override
    public int spIndex() {
        return RSP;
    }

    @Override
    public int fpIndex() {
        return RBP;
    }

    /** CPL 3 in the saved code segment selector. */
    @Override
    public boolean userMode(Registers regs) {
        return (regs.get(CS) & 3) == 3;
    }

    /** The pt_regs saved at {@code address} on a kernel stack. */
    public static Registers read(VirtualMemory memory, long address) {
        ByteBuffer b = memory.buffer(address, PT_REGS_SIZE);
        long[] v = new long[NAMES.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getLong(8 * i);
        }
        return new Registers(LAYOUT, v);
    }

    /** crash's x86_64 register block; a pt_regs from a stack also shows ORIG_RAX, a CPU note does not. */
    @Override
    public String crashBlock(Registers r, boolean savedOnStack) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("    RIP: %016x  RSP: %016x  RFLAGS: %08x%n", r.pc(), r.sp(), r.get(EFLAGS)));
        b.append(line("RAX", r.get("rax"), "RBX", r.get("rbx"), "RCX", r.get("rcx")));
        b.append(line("RDX", r.get("rdx"), "RSI", r.get("rsi"), "RDI", r.get("rdi")));
        b.append(line("RBP", r.get("rbp"), " R8", r.get("r8"), " R9", r.get("r9")));
        b.append(line("R10", r.get("r10"), "R11", r.get("r11"), "R12", r.get("r12")));
        b.append(line("R13", r.get("r13"), "R14", r.get("r14"), "R15", r.get("r15")));
        if (savedOnStack) {
            b.append(String.format("    ORIG_RAX: %016x  CS: %04x  SS: %04x%n", r.get("orig_rax"), r.get(CS), r.get(SS)));
        } else {
            b.append(String.format("    CS: %04x  SS: %04x%n", r.get(CS), r.get(SS)));
        }
        return b.toString();
    }

    private static String line(String a, long va, String b, long vb, String c, long vc) {
        return String.format("    %s: %016x  %s: %016x  %s: %016x%n", a, va, b, vb, c, vc);
    }
}
