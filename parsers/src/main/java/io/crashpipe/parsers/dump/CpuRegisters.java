package io.crashpipe.parsers.dump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One NT_PRSTATUS note: the registers of one CPU when the dump was taken, as the raw words of
 * {@code elf_prstatus.pr_reg}. Which word is which register is the architecture's business
 * ({@link io.crashpipe.parsers.arch.RegisterLayout#fromNote}); {@code struct elf_prstatus} puts
 * pr_pid at 32 and pr_reg at 112 on every 64-bit architecture.
 *
 * <p>{@code pid} is what the note says: a real PID in a genuine kdump, but the vCPU index + 1
 * in QEMU's dump-guest-memory. Match notes to CPUs by order ({@code noteIndex}), not by PID.
 *
 * @param noteIndex position among the PRSTATUS notes (the CPU order the kernel wrote them in)
 * @param regs the words from pr_reg to the end of the note (pr_reg, then pr_fpvalid and padding)
 */
public record CpuRegisters(int noteIndex, int pid, long[] regs) {

    /** x86_64's user_regs_struct order, for the x86 conveniences below ({@link #rip()}, {@link #rsp()}). */
    private static final List<String> X86_64_NAMES = List.of(
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
            "fs_base", "gs_base", "ds", "es", "fs", "gs");

    /** Offset of pr_pid and of pr_reg in struct elf_prstatus (64-bit). */
    private static final int PR_PID = 32;
    private static final int PR_REG = 112;
    /** The smallest pr_reg of a 64-bit architecture we read (x86_64: 27 words; arm64 has 34). */
    private static final int MIN_SIZE = PR_REG + 27 * 8;

    public static CpuRegisters parse(int noteIndex, byte[] desc) {
        if (!fits(desc)) {
            throw new IllegalArgumentException("NT_PRSTATUS of " + desc.length + " bytes, expected at least " + MIN_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN);
        long[] regs = new long[(desc.length - PR_REG) / 8];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = b.getLong(PR_REG + 8 * i);
        }
        return new CpuRegisters(noteIndex, b.getInt(PR_PID), regs);
    }

    public static boolean fits(byte[] desc) {
        return desc.length >= MIN_SIZE;
    }

    /** An x86_64 register by its user_regs_struct name (only meaningful on x86_64 dumps). */
    public long get(String name) {
        int i = X86_64_NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no x86_64 register " + name);
        }
        return regs[i];
    }

    /** x86_64's instruction pointer; architecture-neutral code uses {@code RegisterLayout.fromNote(..).pc()}. */
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
