package io.crashpipe.parsers.dump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One x86_64 NT_PRSTATUS note: the registers of one CPU when the dump was taken.
 *
 * <p>{@code pid} is what the note says: a real PID in a genuine kdump, but the vCPU index + 1
 * in QEMU's dump-guest-memory. Match notes to CPUs by order ({@code noteIndex}), not by PID.
 *
 * @param noteIndex position among the PRSTATUS notes (the CPU order the kernel wrote them in)
 */
public record CpuRegisters(int noteIndex, int pid, long[] regs) {

    /** user_regs_struct order, as in the kernel's elf_prstatus.pr_reg on x86_64. */
    public static final List<String> NAMES = List.of(
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
            "fs_base", "gs_base", "ds", "es", "fs", "gs");

    /** Offset of pr_pid and of pr_reg in struct elf_prstatus (x86_64). */
    private static final int PR_PID = 32;
    private static final int PR_REG = 112;
    private static final int SIZE = PR_REG + 27 * 8;

    public static CpuRegisters parse(int noteIndex, byte[] desc) {
        if (desc.length < SIZE) {
            throw new IllegalArgumentException("NT_PRSTATUS of " + desc.length + " bytes, expected at least " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN);
        long[] regs = new long[NAMES.size()];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = b.getLong(PR_REG + 8 * i);
        }
        return new CpuRegisters(noteIndex, b.getInt(PR_PID), regs);
    }

    public static boolean fits(byte[] desc) {
        return desc.length >= SIZE;
    }

    public long get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no x86_64 register " + name);
        }
        return regs[i];
    }

    public long rip() {
        return get("rip");
    }

    public long rsp() {
        return get("rsp");
    }

    public long rbp() {
        return get("rbp");
    }
}
