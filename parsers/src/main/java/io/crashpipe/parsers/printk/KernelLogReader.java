package io.crashpipe.parsers.printk;

import io.crashpipe.parsers.kernel.MissingVmcoreinfoException;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;

/** Picks the log buffer layout the dump's VMCOREINFO describes, newest first (as makedumpfile does). */
public final class KernelLogReader {
    private KernelLogReader() {}

    public static KernelLog read(VirtualMemory mem, Vmcoreinfo vi) {
        if (LocklessRingReader.applies(vi)) {
            return LocklessRingReader.read(mem, vi);
        }
        if (RecordBufferReader.applies(vi)) {
            return RecordBufferReader.read(mem, vi);
        }
        if (CharBufferReader.applies(vi)) {
            return CharBufferReader.read(mem, vi);
        }
        throw new MissingVmcoreinfoException("SYMBOL(prb) or SYMBOL(log_buf): no kernel log buffer is described");
    }
}
