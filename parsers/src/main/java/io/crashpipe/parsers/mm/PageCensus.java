package io.crashpipe.parsers.mm;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A walk over every struct page of every present section, tallying what crash's
 * {@code dump_mem_map()} tallies for {@code kmem -i}: pages whose {@code _refcount} is above one
 * and that are not PG_reserved (crash's SHARED), pages with PG_slab set, and reserved pages.
 * crash 8.0.2 always walks; crash 9.0 only with {@code kmem -i=shared} since it is slow on large
 * machines (here: one read of {@code SIZE(page)} bytes per page frame, 1/64 of RAM with 64-byte pages).
 *
 * <p>A piece of {@code mem_map} the dump left out counts as zeroed struct pages (crash does the
 * same); {@code unreadable} says how many struct pages that was. A page that may still arrive
 * (streaming) is rethrown so the pass waits.
 *
 * @param slab pages with PG_slab; empty from 6.10 on, where slab became a page type and the
 *     flag is gone (no {@code NUMBER(PG_slab)} in VMCOREINFO)
 */
public record PageCensus(long pages, long reserved, long shared, OptionalLong slab, long unreadable) {
    private static final int CHUNK_PAGES = 1024;

    /**
     * @param pgReserved the PG_reserved bit number (enum pageflags from BTF)
     */
    public static PageCensus take(VirtualMemory memory, Vmcoreinfo info, int pgReserved) {
        int structSize = Math.toIntExact(info.requireSize("page"));
        int flagsAt = Math.toIntExact(info.requireOffset("page", "flags"));
        // _refcount since 4.6 (commit 0139aa7b7fa1 renamed _count); both are an atomic int.
        int countAt = Math.toIntExact(info.offset("page", "_refcount").orElseGet(
                () -> info.requireOffset("page", "_count")));
        OptionalLong pgSlab = info.number("PG_slab");
        long pageSize = info.pageSize().orElse(4096);
        long perSection = MemSections.pagesPerSection(info);

        long pages = 0;
        long reserved = 0;
        long shared = 0;
        long slab = 0;
        long unreadable = 0;
        byte[] chunk = new byte[CHUNK_PAGES * structSize];
        ByteBuffer b = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        long reservedMask = 1L << pgReserved;
        for (MemSections.Section s : MemSections.present(memory, info)) {
            for (long first = 0; first < perSection; first += CHUNK_PAGES) {
                int n = (int) Math.min(CHUNK_PAGES, perSection - first);
                unreadable += fill(memory, s.memMap() + first * structSize, chunk, n * structSize, pageSize)
                        / structSize;
                for (int i = 0; i < n; i++) {
                    int at = i * structSize;
                    long flags = b.getLong(at + flagsAt);
                    int count = b.getInt(at + countAt);
                    if (pgSlab.isPresent() && (flags >>> pgSlab.getAsLong() & 1) != 0) {
                        slab++;
                    }
                    if ((flags & reservedMask) != 0) {
                        reserved++;
                    } else if (count > 1) {
                        shared++;
                    }
                }
                pages += n;
            }
        }
        return new PageCensus(pages, reserved, shared, pgSlab.isPresent() ? OptionalLong.of(slab)
                : OptionalLong.empty(), unreadable);
    }

    /** Reads {@code len} bytes, zeroing the page-sized pieces the dump lacks; returns how many bytes that was. */
    private static long fill(VirtualMemory memory, long addr, byte[] dst, int len, long pageSize) {
        if (!(memory.tryRead(addr, dst, 0, len) instanceof Unavailable first)) {
            return 0;
        }
        waitIfArriving(first);
        long missing = 0;
        int off = 0;
        while (off < len) {
            int piece = (int) Math.min(len - off, pageSize - ((addr + off) & (pageSize - 1)));
            if (memory.tryRead(addr + off, dst, off, piece) instanceof Unavailable u) {
                waitIfArriving(u);
                Arrays.fill(dst, off, off + piece, (byte) 0);
                missing += piece;
            }
            off += piece;
        }
        return missing;
    }

    private static void waitIfArriving(Unavailable u) {
        MemoryFault.propagateIfWaiting(new MemoryFault(u));
    }
}
