package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * A synthetic memory image for tests: 4 KiB pages created on first write; reading a page never
 * written is {@link Unavailable} (EXCLUDED). Addresses are physical; {@link #asVirtual()} reads the
 * same bytes as if they were kernel virtual addresses (identity mapping), for readers that only need
 * a {@link VirtualMemory}.
 */
public final class SparseMemory implements PhysicalMemory {
    private final Map<Long, byte[]> pages = new HashMap<>();

    @Override
    public int pageSize() {
        return 4096;
    }

    public SparseMemory put(long addr, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            pages.computeIfAbsent((addr + i) >>> 12, k -> new byte[4096])[(int) ((addr + i) & 4095)] = bytes[i];
        }
        return this;
    }

    public SparseMemory putLong(long addr, long v) {
        return put(addr, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    public SparseMemory putInt(long addr, int v) {
        return put(addr, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    public SparseMemory putShort(long addr, int v) {
        return put(addr, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
    }

    /** The same image seen as virtual memory mapped one to one; misses carry the virtual flag. */
    public VirtualMemory asVirtual() {
        return (vaddr, dst, off, len) -> tryRead(vaddr, dst, off, len) instanceof Unavailable u
                ? u.atVirtual(u.address())
                : ReadResult.OK;
    }

    @Override
    public ReadResult tryRead(long addr, byte[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            byte[] p = pages.get((addr + i) >>> 12);
            if (p == null) {
                return Unavailable.physical(addr + i, (addr + i) >>> 12, Unavailable.Reason.EXCLUDED, "synthetic");
            }
            dst[off + i] = p[(int) ((addr + i) & 4095)];
        }
        return ReadResult.OK;
    }
}
