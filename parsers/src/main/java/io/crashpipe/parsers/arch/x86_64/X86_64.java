package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.arch.AddressSpace;
import io.crashpipe.parsers.arch.Architecture;
import io.crashpipe.parsers.arch.KernelUnwinder;
import io.crashpipe.parsers.arch.RegisterLayout;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.unwind.ActiveTasks;
import io.crashpipe.parsers.unwind.PerCpuSymbols;

/** x86_64: 4/5-level page tables from init_top_pgt, pt_regs registers, ORC unwinding. */
public final class X86_64 implements Architecture {
    public static final X86_64 INSTANCE = new X86_64();
    /** EM_X86_64. */
    private static final int EM_X86_64 = 62;

    private X86_64() {}

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public int elfMachine() {
        return EM_X86_64;
    }

    /**
     * x86_64's arch_crash_save_vmcoreinfo() writes {@code NUMBER(phys_base)} and the top page
     * table ({@code init_top_pgt}, {@code init_level4_pgt} before 4.13); no other architecture
     * writes either.
     */
    @Override
    public boolean recognizes(Vmcoreinfo vi) {
        return vi.number("phys_base").isPresent() || vi.symbol("init_top_pgt").isPresent()
                || vi.symbol("init_level4_pgt").isPresent();
    }

    @Override
    public AddressSpace addressSpace(Vmcoreinfo vi, PhysicalMemory physical) {
        return X86_64AddressSpace.fromVmcoreinfo(vi, physical);
    }

    @Override
    public RegisterLayout registers() {
        return X86_64Registers.LAYOUT;
    }

    @Override
    public long threadSize() {
        return KernelStacks.THREAD_SIZE;
    }

    @Override
    public KernelUnwinder unwinder(UnwindContext context) {
        return new X86_64Unwinder(context);
    }

    @Override
    public ActiveTasks activeTasks(UnwindContext context) {
        return new PerCpuCurrentTask(PerCpuSymbols.of(context.kallsyms(), context.memory()), context.kallsyms());
    }

    @Override
    public String toString() {
        return name();
    }
}
