package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * An x86_64 register set in {@code struct pt_regs} order, from a CPU note or from a pt_regs frame
 * the kernel saved on a stack at an interrupt or exception.
 */
public record Registers(long[] values) {

    /** struct pt_regs (x86_64) field order; the first 21 entries of user_regs_struct too. */
    public static final List<String> NAMES = List.of(
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss");

    /** sizeof(struct pt_regs) on x86_64. */
    public static final int PT_REGS_SIZE = 8 * 21;
    /** offsetof(struct pt_regs, ip): where the hardware iret frame starts. */
    public static final int IRET_FRAME_OFFSET = 8 * 16;

    public Registers {
        if (values.length != NAMES.size()) {
            throw new IllegalArgumentException(values.length + " register values, expected " + NAMES.size());
        }
        values = values.clone();
    }

    public static Registers of(CpuRegisters note) {
        return new Registers(Arrays.copyOf(note.regs(), NAMES.size()));
    }

    /** The pt_regs saved at {@code address} on a kernel stack. */
    public static Registers read(VirtualMemory memory, long address) {
        ByteBuffer b = memory.buffer(address, PT_REGS_SIZE);
        long[] v = new long[NAMES.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getLong(8 * i);
        }
        return new Registers(v);
    }

    public long get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no pt_regs field " + name);
        }
        return values[i];
    }

    public long ip() {
        return values[16];
    }

    public long cs() {
        return values[17];
    }

    public long flags() {
        return values[18];
    }

    public long sp() {
        return values[19];
    }

    public long ss() {
        return values[20];
    }

    public long bp() {
        return values[4];
    }

    /** The interrupted context ran in user mode (CPL 3). */
    public boolean userMode() {
        return (cs() & 3) == 3;
    }

    @Override
    public long[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Registers r && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Registers[rip=" + Long.toHexString(ip()) + ", rsp=" + Long.toHexString(sp()) + "]";
    }
}
