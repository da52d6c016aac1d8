package io.crashpipe.parsers.arch.arm64;

import io.crashpipe.parsers.arch.AddressSpace;
import io.crashpipe.parsers.arch.Architecture;
import io.crashpipe.parsers.arch.KernelUnwinder;
import io.crashpipe.parsers.arch.RegisterLayout;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.unwind.ActiveTasks;

/** arm64: TTBR1 page tables from swapper_pg_dir, user_pt_regs registers, frame-pointer unwinding. */
public final class Arm64 implements Architecture {
    public static final Arm64 INSTANCE = new Arm64();
    /** EM_AARCH64. */
    private static final int EM_AARCH64 = 183;
    /** THREAD_SIZE with 4 KiB pages and no KASAN (16 KiB since Linux 4.0). */
    static final long THREAD_SIZE = 16 * 1024;

    private Arm64() {}

    @Override
    public String name() {
        return "aarch64";
    }

    @Override
    public int elfMachine() {
        return EM_AARCH64;
    }

    /** arm64's arch_crash_save_vmcoreinfo() writes VA_BITS and kimage_voffset; no other architecture does. */
    @Override
    public boolean recognizes(Vmcoreinfo vi) {
        return vi.number("kimage_voffset").isPresent() && vi.number("VA_BITS").isPresent();
    }

    @Override
    public AddressSpace addressSpace(Vmcoreinfo vi, PhysicalMemory physical) {
        return Arm64AddressSpace.fromVmcoreinfo(vi, physical);
    }

    @Override
    public RegisterLayout registers() {
        return Arm64Registers.NOTE;
    }

    @Override
    public long threadSize() {
        return THREAD_SIZE;
    }

    @Override
    public KernelUnwinder unwinder(UnwindContext context) {
        return new Arm64Unwinder(context);
    }

    @Override
    public ActiveTasks activeTasks(UnwindContext context) {
        return new EntryTask(context);
    }

    @Override
    public String toString() {
        return name();
    }
}
