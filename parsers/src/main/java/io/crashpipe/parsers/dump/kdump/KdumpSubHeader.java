package io.crashpipe.parsers.dump.kdump;

import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * struct kdump_sub_header (x86_64), at block 1. Fields appear with header versions:
 * dump_level 1+, split range 2+, VMCOREINFO 3+, notes 4+, eraseinfo 5+, 64-bit pfns 6+.
 * Fields a version does not have are zero / -1 here.
 */
public record KdumpSubHeader(long physBase, int dumpLevel, boolean split, long startPfn, long endPfn,
        long offsetVmcoreinfo, long sizeVmcoreinfo, long offsetNote, long sizeNote, long offsetEraseinfo,
        long sizeEraseinfo, long maxMapnr) {

    private static final int SIZE_V6 = 104;

    static final long MAX_PHYS_BYTES = 1L << 52;

    public static KdumpSubHeader read(ByteSource src, DiskDumpHeader dh) throws IOException {
        long at = dh.blockSize();
        int len = Math.min(SIZE_V6, dh.subHdrSize() * dh.blockSize());
        if (len < 8) {
            return new KdumpSubHeader(0, -1, false, 0, dh.maxMapnr32(), 0, 0, 0, 0, 0, 0, dh.maxMapnr32());
        }
        ByteBuffer b = src.readLE(at, len, "kdump sub-header");
        int v = dh.headerVersion();
        long physBase = b.getLong(0);
        int level = v >= 1 && len >= 12 ? b.getInt(8) : -1;
        boolean split = v >= 2 && len >= 16 && b.getInt(12) != 0;
        long start = v >= 2 && len >= 24 ? b.getLong(16) : 0;
        long end = v >= 2 && len >= 32 ? b.getLong(24) : dh.maxMapnr32();
        long offVi = v >= 3 && len >= 48 ? b.getLong(32) : 0;
        long sizeVi = v >= 3 && len >= 48 ? b.getLong(40) : 0;
        long offNote = v >= 4 && len >= 64 ? b.getLong(48) : 0;
        long sizeNote = v >= 4 && len >= 64 ? b.getLong(56) : 0;
        long offErase = v >= 5 && len >= 80 ? b.getLong(64) : 0;
        long sizeErase = v >= 5 && len >= 80 ? b.getLong(72) : 0;
        long maxMapnr = dh.maxMapnr32();
        if (v >= 6 && len >= SIZE_V6) {
            start = b.getLong(80);
            end = b.getLong(88);
            maxMapnr = b.getLong(96);
        }
        if (!split) {
            start = 0;
            end = maxMapnr;
        }
        check(src, at + 32, "VMCOREINFO", offVi, sizeVi, 16 << 20);
        check(src, at + 48, "ELF notes", offNote, sizeNote, 64 << 20);
        // 52 bits is the widest physical address of x86_64 and arm64; more page frames than that
        // is damage, and would overflow every memory size computed from it.
        if (maxMapnr < 0 || maxMapnr > MAX_PHYS_BYTES / dh.blockSize()) {
            throw new DumpFormatException(src.name(), at + 96, "max_mapnr of at most 2^52 bytes of "
                    + dh.blockSize() + "-byte pages (" + MAX_PHYS_BYTES / dh.blockSize() + ")", "" + maxMapnr);
        }
        if (start < 0 || end < start || end > maxMapnr) {
            throw new DumpFormatException(src.name(), at + 80, "a split pfn range inside [0, " + maxMapnr + ")",
                    "[" + start + ", " + end + ")");
        }
        return new KdumpSubHeader(physBase, level, split, start, end, offVi, sizeVi, offNote, sizeNote,
                offErase, sizeErase, maxMapnr);
    }

    /** The version-6 layout, as {@link #read} expects it at the start of block 1. */
    void write(ByteBuffer b) {
        b.putLong(physBase).putInt(dumpLevel).putInt(split ? 1 : 0).putLong(startPfn).putLong(endPfn)
                .putLong(offsetVmcoreinfo).putLong(sizeVmcoreinfo).putLong(offsetNote).putLong(sizeNote)
                .putLong(offsetEraseinfo).putLong(sizeEraseinfo).putLong(startPfn).putLong(endPfn).putLong(maxMapnr);
    }

    private static void check(ByteSource src, long at, String what, long off, long size, long max) throws IOException {
        if (size == 0) {
            return;
        }
        if (size < 0 || size > max || off <= 0 || off + size > src.size()) {
            throw new DumpFormatException(src.name(), at, what + " of at most " + max + " bytes inside the file",
                    "offset " + off + ", size " + size + " (file size " + src.size() + ")");
        }
    }
}
