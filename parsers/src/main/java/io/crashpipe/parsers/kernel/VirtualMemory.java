package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.memory.CString;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Random access to kernel virtual memory, in the style of
 * {@link io.crashpipe.parsers.memory.PhysicalMemory}: an address that is not mapped, or whose
 * page is not (yet) in the dump, is the typed outcome {@link Unavailable} (virtual address, pfn,
 * reason). The throwing helpers wrap it in {@link MemoryFault} for deep parsing code.
 * All multi-byte values are little-endian (x86_64, and arm64 as fleets run it).
 */
public interface VirtualMemory {

    /**
     * Reads {@code len} bytes at kernel virtual address {@code vaddr}.
     *
     * @return {@link ReadResult#OK}, or the first {@link Unavailable} met ({@code virtual} set);
     *     {@code dst} is then only partly filled
     */
    ReadResult tryRead(long vaddr, byte[] dst, int off, int len);

    default void read(long vaddr, byte[] dst, int off, int len) {
        if (tryRead(vaddr, dst, off, len) instanceof Unavailable u) {
            throw new MemoryFault(u);
        }
    }

    default byte[] read(long vaddr, int len) {
        byte[] b = new byte[len];
        read(vaddr, b, 0, len);
        return b;
    }

    /** {@code len} bytes as a little-endian buffer positioned at 0. */
    default ByteBuffer buffer(long vaddr, int len) {
        return ByteBuffer.wrap(read(vaddr, len)).order(ByteOrder.LITTLE_ENDIAN);
    }

    default long u64(long vaddr) {
        return buffer(vaddr, 8).getLong(0);
    }

    default long u32(long vaddr) {
        return buffer(vaddr, 4).getInt(0) & 0xffffffffL;
    }

    default int s32(long vaddr) {
        return buffer(vaddr, 4).getInt(0);
    }

    default int u16(long vaddr) {
        return buffer(vaddr, 2).getShort(0) & 0xffff;
    }

    default int u8(long vaddr) {
        return read(vaddr, 1)[0] & 0xff;
    }

    /** A NUL-terminated string of at most {@code max} bytes (the whole field when no NUL). */
    default String cString(long vaddr, int max) {
        return CString.decode(read(vaddr, max));
    }
}
