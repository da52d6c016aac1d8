package io.crashpipe.parsers.dump.kdump;

import com.github.luben.zstd.Zstd;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.ElfNotes;
import io.crashpipe.parsers.dump.PageCodec;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.memory.ReadResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Writes a kdump-compressed file (header version 6, zstd pages) holding a chosen subset of
 * another dump's pages, with its notes and VMCOREINFO. Pages left out read as excluded, as if
 * makedumpfile had filtered them. Used to cut a dump down to the pages an analysis needs (a
 * small sample to share or ship). Memory: the two bitmaps and one page at a time.
 */
public final class KdumpWriter {
    private static final int SUB_HEADER_SIZE = 104;
    private static final int ZSTD_LEVEL = 19;
    private static final int STATUS_ZSTD = PageCodec.ZSTD.flag();

    private KdumpWriter() {}

    /** Summary of a written file. */
    public record Written(long pages, long bytes) {}

    /**
     * @param keep page frame numbers to copy, ascending; ones the source does not have are skipped
     */
    public static Written write(Dump src, long[] keep, Path out) throws IOException {
        return write(src, keep, src.maxPfn(), out);
    }

    /**
     * As {@link #write(Dump, long[], Path)}, describing only the first {@code maxPfn} frames of
     * the source (bitmaps of a few bytes: the fuzz seeds).
     */
    public static Written write(Dump src, long[] keep, long maxPfn, Path out) throws IOException {
        int block = src.pageSize();
        byte[] vmcoreinfo = src.vmcoreinfo().orElse("").getBytes(StandardCharsets.US_ASCII);
        byte[] notes = ElfNotes.encode(src.notes());
        int subHdrBlocks = blocks(SUB_HEADER_SIZE + vmcoreinfo.length + notes.length, block);
        int bitmapBlocksEach = blocks((maxPfn + 7) / 8, block);

        byte[] inRam = new byte[bitmapBlocksEach * block];
        byte[] dumped = new byte[bitmapBlocksEach * block];
        for (long pfn = 0; pfn < maxPfn; pfn++) {
            if (src.pageState(pfn) != PageState.NOT_IN_RAM) {
                set(inRam, pfn);
            }
        }
        long count = 0;
        for (long pfn : keep) {
            if (pfn >= 0 && pfn < maxPfn && src.pageState(pfn) == PageState.PRESENT) {
                set(dumped, pfn);
                count++;
            }
        }

        long subHeaderAt = block;
        KdumpSubHeader sub = new KdumpSubHeader(src.header().physBase().orElse(0), src.header().dumpLevel().orElse(31),
                false, 0, maxPfn, subHeaderAt + SUB_HEADER_SIZE, vmcoreinfo.length,
                subHeaderAt + SUB_HEADER_SIZE + vmcoreinfo.length, notes.length, 0, 0, maxPfn);
        DiskDumpHeader header = new DiskDumpHeader(6, utsname(src), src.header().timestamp().orElse(Instant.EPOCH),
                STATUS_ZSTD, block, subHdrBlocks, 2L * bitmapBlocksEach, Math.min(maxPfn, 0xffff_ffffL), 0, 0, 0, 0,
                src.cpuRegisters().size());

        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAt(ch, 0, ByteBuffer.wrap(header.encode()));
            ByteBuffer subBytes = ByteBuffer.allocate(subHdrBlocks * block).order(ByteOrder.LITTLE_ENDIAN);
            sub.write(subBytes);
            subBytes.put(vmcoreinfo).put(notes);
            writeAt(ch, subHeaderAt, subBytes.clear());
            long bitmapAt = (1L + subHdrBlocks) * block;
            writeAt(ch, bitmapAt, ByteBuffer.wrap(inRam));
            writeAt(ch, bitmapAt + inRam.length, ByteBuffer.wrap(dumped));
            long descriptorAt = bitmapAt + 2L * inRam.length;
            long dataAt = descriptorAt + count * PageDescriptor.SIZE;
            writePages(src, keep, dumped, ch, descriptorAt, dataAt);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Written(count, Files.size(out));
    }

    private static void writePages(Dump src, long[] keep, byte[] dumped, FileChannel ch, long descriptorAt, long dataAt)
            throws IOException {
        byte[] page = new byte[src.pageSize()];
        ByteBuffer desc = ByteBuffer.allocate(PageDescriptor.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long nextDesc = descriptorAt;
        long nextData = dataAt;
        for (long pfn : keep) {
            if (pfn < 0 || pfn >= src.maxPfn() || !isSet(dumped, pfn)) {
                continue;
            }
            if (!(src.readPage(pfn, page) instanceof ReadResult.Ok)) {
                throw new IOException(src.name() + ": page " + pfn + " is marked present but could not be read");
            }
            byte[] packed = Zstd.compress(page, ZSTD_LEVEL);
            boolean compressed = packed.length < page.length;
            byte[] stored = compressed ? packed : page;
            writeAt(ch, nextData, ByteBuffer.wrap(stored));
            new PageDescriptor(nextData, stored.length, compressed ? PageCodec.ZSTD.flag() : 0, 0).write(desc.clear());
            writeAt(ch, nextDesc, desc.flip());
            nextDesc += PageDescriptor.SIZE;
            nextData += stored.length;
        }
    }

    private static Utsname utsname(Dump src) {
        return src.header().utsname().orElseGet(() -> new Utsname("Linux", "", "", "", "x86_64", ""));
    }

    private static void writeAt(FileChannel ch, long at, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    private static int blocks(long bytes, int block) {
        return (int) ((bytes + block - 1) / block);
    }

    private static void set(byte[] bitmap, long pfn) {
        bitmap[(int) (pfn >>> 3)] |= (byte) (1 << (pfn & 7));
    }

    private static boolean isSet(byte[] bitmap, long pfn) {
        return (bitmap[(int) (pfn >>> 3)] & (1 << (pfn & 7))) != 0;
    }
}
