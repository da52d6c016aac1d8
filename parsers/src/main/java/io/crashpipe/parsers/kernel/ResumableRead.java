package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.memory.MemoryFault;

/**
 * A long read of kernel memory (a few MB of .BTF) that keeps the pages it got when one has not
 * arrived yet, so that a streaming pass resumes there instead of reading the whole span again:
 * with pages arriving one at a time the read stays linear in its length. Bytes once read never
 * change (dump pages are immutable), so keeping them is safe; the caller keeps this object (in
 * the dump's memo) and builds its structure only from a finished read.
 */
public final class ResumableRead {
    private static final int PAGE = 4096;

    private final long address;
    private final byte[] bytes;
    private int done;

    public ResumableRead(long address, int length) {
        this.address = address;
        this.bytes = new byte[length];
    }

    /**
     * Reads what is still missing, page by page, and returns every byte.
     *
     * @throws MemoryFault at the first page that cannot be read; the pages before it are kept
     */
    public synchronized byte[] finish(VirtualMemory memory) {
        while (done < bytes.length) {
            long at = address + done;
            int n = (int) Math.min(bytes.length - done, PAGE - Long.remainderUnsigned(at, PAGE));
            memory.read(at, bytes, done, n);
            done += n;
        }
        return bytes;
    }
}
