package io.crashpipe.parsers.testing;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;

/**
 * Kernel virtual memory that holds {@code bytes} at {@code base} and nothing else: the synthetic
 * memory the fuzz targets hand to the in-memory readers (kallsyms, ORC, printk).
 */
public record ByteArrayMemory(long base, byte[] bytes) implements VirtualMemory {
    @Override
    public ReadResult tryRead(long vaddr, byte[] dst, int off, int len) {
        long rel = vaddr - base;
        if (rel < 0 || rel > bytes.length - (long) len) {
            long at = rel < 0 || rel >= bytes.length ? vaddr : base + bytes.length;
            return new Unavailable(at, true, -1, Unavailable.Reason.NOT_MAPPED, "outside the synthetic image");
        }
        System.arraycopy(bytes, (int) rel, dst, off, len);
        return ReadResult.OK;
    }
}
