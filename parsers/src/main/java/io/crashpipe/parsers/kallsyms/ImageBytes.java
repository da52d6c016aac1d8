package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Byte-level random access to the kernel image for the kallsyms search, one 4 KiB chunk at a
 * time with a bounded cache. Little-endian, as on every architecture crashpipe reads.
 *
 * <p>A chunk the dump does not hold (filtered out, not RAM, not mapped) reads as a
 * {@link MemoryFault} that the search treats as "not here"; a chunk that has not arrived yet
 * ({@link Unavailable.Reason#NOT_YET_ARRIVED}) is rethrown by {@link #rethrowIfWaiting} so that a
 * streaming pass waits for it instead of concluding that kallsyms is absent.
 */
final class ImageBytes {
    static final int CHUNK = 4096;
    private static final int CACHE_CHUNKS = 2048; // 8 MiB: the tables and their neighbourhood

    private final VirtualMemory memory;
    // Grows with use: a table found in a few chunks allocates a small map.
    private final Map<Long, Object> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> e) {
            return size() > CACHE_CHUNKS;
        }
    };
    private long lastChunk = 1; // never a chunk address (those are 4 KiB aligned)
    private byte[] last;
    private int chunksRead;

    ImageBytes(VirtualMemory memory) {
        this.memory = memory;
    }

    VirtualMemory memory() {
        return memory;
    }

    /** Chunks fetched from the dump so far (cache misses). */
    int chunksRead() {
        return chunksRead;
    }

    /** The 4 KiB chunk at {@code chunkAddr}, or the reason it cannot be read. */
    Object chunk(long chunkAddr) {
        Object c = cache.get(chunkAddr);
        if (c == null) {
            byte[] b = new byte[CHUNK];
            ReadResult r = memory.tryRead(chunkAddr, b, 0, CHUNK);
            chunksRead++;
            c = r instanceof Unavailable u ? u : b;
            rethrowIfWaiting(c);
            cache.put(chunkAddr, c);
        }
        return c;
    }

    /** The chunk's bytes, or null when the dump does not hold it. */
    byte[] chunkBytes(long chunkAddr) {
        return chunk(chunkAddr) instanceof byte[] b ? b : null;
    }

    int u8(long addr) {
        long chunkAddr = addr & -CHUNK;
        if (chunkAddr != lastChunk) {
            Object c = chunk(chunkAddr);
            if (c instanceof Unavailable u) {
                throw new MemoryFault(u);
            }
            last = (byte[]) c;
            lastChunk = chunkAddr;
        }
        return last[(int) (addr & (CHUNK - 1))] & 0xff;
    }

    /** Fills {@code dst} from {@code addr} on, chunk by chunk; a chunk the dump lacks throws {@link MemoryFault}. */
    void copy(long addr, byte[] dst) {
        int done = 0;
        while (done < dst.length) {
            long at = addr + done;
            long chunkAddr = at & -CHUNK;
            Object c = chunk(chunkAddr);
            if (c instanceof Unavailable u) {
                throw new MemoryFault(u);
            }
            int in = (int) (at - chunkAddr);
            int n = Math.min(CHUNK - in, dst.length - done);
            System.arraycopy((byte[]) c, in, dst, done, n);
            done += n;
        }
    }

    int u16(long addr) {
        return u8(addr) | u8(addr + 1) << 8;
    }

    long u32(long addr) {
        return (u16(addr) | (long) u16(addr + 2) << 16) & 0xffffffffL;
    }

    int s32(long addr) {
        return (int) u32(addr);
    }

    long u64(long addr) {
        return u32(addr) | u32(addr + 4) << 32;
    }

    /** {@code u32} or {@code u64} by width. */
    long word(long addr, int width) {
        return width == 8 ? u64(addr) : u32(addr);
    }

    /** A waited-for page ends the search: the pass must be re-run once the page is there. */
    static void rethrowIfWaiting(Object chunkOrFault) {
        if (chunkOrFault instanceof Unavailable u && u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
            throw new MemoryFault(u);
        }
    }

    static boolean waiting(MemoryFault f) {
        return f.unavailable().reason() == Unavailable.Reason.NOT_YET_ARRIVED;
    }
}
