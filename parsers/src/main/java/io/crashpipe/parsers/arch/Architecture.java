package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.unwind.ActiveTasks;

/**
 * Everything that differs between the architectures crashpipe reads, in one place (drgn's
 * {@code platform.h} is the model): how the dump says which architecture it is, address
 * translation, registers, unwinding, and the kernel layout constants. The rest of the parsers
 * work through this and never name an architecture's registers or page-table format.
 * {@link Architectures} picks the implementation from what the dump says.
 */
public interface Architecture {

    /** The name the kernel's utsname {@code machine} field uses ("x86_64", "aarch64"). */
    String name();

    /** {@code e_machine} of this architecture's ELF files (EM_X86_64 = 62, EM_AARCH64 = 183). */
    int elfMachine();

    /** VMCOREINFO holds keys only this architecture's kernels write (its page-table root, ...). */
    boolean recognizes(Vmcoreinfo vmcoreinfo);

    /** The kernel's virtual address space, rebuilt from VMCOREINFO. */
    AddressSpace addressSpace(Vmcoreinfo vmcoreinfo, PhysicalMemory physical);

    RegisterLayout registers();

    /** Size of a task's kernel stack ({@code THREAD_SIZE}) where the dump does not say otherwise. */
    long threadSize();

    /** The unwinder over the kernel (and module) unwind data found in memory. */
    KernelUnwinder unwinder(UnwindContext context);

    /**
     * Which task runs on each CPU, found with kallsyms alone (no BTF): the architecture's per-CPU
     * "current" variable.
     */
    ActiveTasks activeTasks(UnwindContext context);
}
