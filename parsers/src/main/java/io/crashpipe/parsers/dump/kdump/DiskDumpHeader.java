package io.crashpipe.parsers.dump.kdump;

import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * struct disk_dump_header: block 0 of a kdump-compressed file (x86_64 layout: utsname is
 * followed by padding to 8 bytes before the 16-byte timeval).
 */
public record DiskDumpHeader(int headerVersion, Utsname utsname, Instant timestamp, int status, int blockSize,
        int subHdrSize, long bitmapBlocks, long maxMapnr32, long totalRamBlocks, long deviceBlocks,
        long writtenBlocks, int currentCpu, int nrCpus) {

    public static final String SIGNATURE = "KDUMP   ";
    static final int SIZE = 464;
    /** Header status bit: makedumpfile ran out of space and the file is cut short. */
    public static final int STATUS_INCOMPLETE = 0x8;
    private static final int MAX_BLOCK_SIZE = 1 << 20;

    public static DiskDumpHeader read(ByteSource src) throws IOException {
        if (src.size() < SIZE) {
            throw new DumpFormatException(src.name(), 0, "a kdump header of " + SIZE + " bytes",
                    "a file of " + src.size() + " bytes");
        }
        ByteBuffer b = src.readLE(0, SIZE, "kdump disk_dump_header");
        byte[] sig = new byte[8];
        b.get(sig);
        String s = new String(sig, StandardCharsets.ISO_8859_1);
        if (!SIGNATURE.equals(s)) {
            throw new DumpFormatException(src.name(), 0, "kdump signature \"KDUMP   \"", "\"" + printable(s) + "\"");
        }
        int version = b.getInt();
        Utsname uts = Utsname.read(b);
        b.position(408);
        long sec = b.getLong();
        long usec = b.getLong();
        if (sec < Instant.MIN.getEpochSecond() || sec > Instant.MAX.getEpochSecond() - 1) {
            throw new DumpFormatException(src.name(), 408, "a timestamp (seconds since 1970) that is a date", "" + sec);
        }
        DiskDumpHeader h = new DiskDumpHeader(version, uts, Instant.ofEpochSecond(sec, Math.floorMod(usec, 1_000_000L) * 1000),
                b.getInt(), b.getInt(), b.getInt(), Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt()),
                Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt()),
                b.getInt(), b.getInt());
        if (h.blockSize < 512 || h.blockSize > MAX_BLOCK_SIZE || Integer.bitCount(h.blockSize) != 1) {
            throw new DumpFormatException(src.name(), 428, "a block size that is a power of two from 512 to "
                    + MAX_BLOCK_SIZE, "" + h.blockSize);
        }
        if (version < 1 || version > 64) {
            throw new DumpFormatException(src.name(), 8, "header version 1 to 64", "" + version);
        }
        if (h.subHdrSize < 0 || h.subHdrSize > 4096) {
            throw new DumpFormatException(src.name(), 432, "a sub-header of 0 to 4096 blocks", "" + h.subHdrSize);
        }
        if (h.bitmapBlocks == 0 || h.bitmapBlocks % 2 != 0) {
            throw new DumpFormatException(src.name(), 436, "an even, non-zero number of bitmap blocks", "" + h.bitmapBlocks);
        }
        long bitmapEnd = (1 + h.subHdrSize + h.bitmapBlocks) * (long) h.blockSize;
        if (bitmapEnd > src.size()) {
            throw new DumpFormatException(src.name(), 436, "bitmaps that end inside the file (" + bitmapEnd + " bytes)",
                    "a file of " + src.size() + " bytes");
        }
        return h;
    }

    /** Block 0 as {@link #read} expects it: the header, then zeros to the end of the block. */
    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(blockSize).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE.getBytes(StandardCharsets.ISO_8859_1)).putInt(headerVersion);
        utsname.write(b);
        b.position(408);
        b.putLong(timestamp.getEpochSecond()).putLong(timestamp.getNano() / 1000);
        b.putInt(status).putInt(blockSize).putInt(subHdrSize).putInt((int) bitmapBlocks).putInt((int) maxMapnr32)
                .putInt((int) totalRamBlocks).putInt((int) deviceBlocks).putInt((int) writtenBlocks)
                .putInt(currentCpu).putInt(nrCpus);
        return b.array();
    }

    public boolean incomplete() {
        return (status & STATUS_INCOMPLETE) != 0;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
