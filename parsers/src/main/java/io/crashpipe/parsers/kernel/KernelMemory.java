package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.arch.AddressSpace;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;

/** Kernel virtual memory: each page-sized piece translated by the architecture's address space, then read physically. */
public final class KernelMemory implements VirtualMemory {
    private final AddressSpace space;
    private final PhysicalMemory physical;

    public KernelMemory(AddressSpace space) {
        this.space = space;
        this.physical = space.physical();
    }

    public AddressSpace addressSpace() {
        return space;
    }

    @Override
    public ReadResult tryRead(long vaddr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long v = vaddr + done;
            Translation t = space.translate(v);
            if (t instanceof Translation.Unmapped u) {
                return u.why();
            }
            Translation.Mapped m = (Translation.Mapped) t;
            int n = (int) Math.min(len - done, m.bytesToPageEnd());
            if (physical.tryRead(m.paddr(), dst, off + done, n) instanceof Unavailable u) {
                if (u.reason() == Unavailable.Reason.NOT_IN_RAM) { // device memory, or a damaged page-table entry
                    return new Unavailable(v, true, u.pfn(), u.reason(), "the page tables map it to physical 0x"
                            + Long.toHexString(m.paddr()) + ", outside RAM");
                }
                return u.atVirtual(v);
            }
            done += n;
        }
        return ReadResult.OK;
    }
}
