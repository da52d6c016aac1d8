package io.crashpipe.parsers.dump.kdump;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.DumpFormat;
import io.crashpipe.parsers.dump.DumpHeader;
import io.crashpipe.parsers.dump.ElfNote;
import io.crashpipe.parsers.dump.ElfNotes;
import io.crashpipe.parsers.dump.PageCodec;
import io.crashpipe.parsers.dump.PageCounts;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * makedumpfile's kdump-compressed format: header, sub-header, two bitmaps, one page
 * descriptor per dumped page (in pfn order), then page data. Also reads the flattened
 * variant through a {@link io.crashpipe.parsers.dump.flat.FlattenedByteSource}.
 */
public final class KdumpFile implements Dump {
    private static final long MAX_BITMAP_BYTES = 512L << 20;
    private static final int DESCRIPTOR_CACHE_BLOCKS = 256;

    private final ByteSource src;
    private final DiskDumpHeader dh;
    private final KdumpSubHeader sub;
    private final DumpBitmap ram;
    private final DumpBitmap dumpable;
    private final DescriptorCache descriptors;
    private final long rankOfStart;
    private final long descriptorCount;
    private final long zeroPageOffset;
    private final List<ElfNote> notes;
    private final String vmcoreinfo;
    private final DumpHeader header;

    private KdumpFile(ByteSource src, DumpFormat format, DiskDumpHeader dh, KdumpSubHeader sub, DumpBitmap ram,
            DumpBitmap dumpable, List<ElfNote> notes, String vmcoreinfo) {
        this.src = src;
        this.dh = dh;
        this.sub = sub;
        this.ram = ram;
        this.dumpable = dumpable;
        this.notes = notes;
        this.vmcoreinfo = vmcoreinfo;
        this.rankOfStart = dumpable.rank(sub.startPfn());
        this.descriptorCount = dumpable.rank(sub.endPfn()) - rankOfStart;
        long tableOffset = (1L + dh.subHdrSize() + dh.bitmapBlocks()) * dh.blockSize();
        this.descriptors = new DescriptorCache(src, tableOffset, descriptorCount, DESCRIPTOR_CACHE_BLOCKS);
        // makedumpfile writes one shared zero page right after the table; zero pages point at it.
        this.zeroPageOffset = tableOffset + descriptorCount * PageDescriptor.SIZE;
        this.header = new DumpHeader(format, codecOf(dh.status()), dh.blockSize(), sub.maxMapnr(),
                OptionalInt.of(dh.headerVersion()),
                sub.dumpLevel() >= 0 ? OptionalInt.of(sub.dumpLevel()) : OptionalInt.empty(),
                Optional.of(dh.utsname()), Optional.of(dh.timestamp()), OptionalInt.of(dh.nrCpus()),
                OptionalLong.of(sub.physBase()), dh.incomplete(),
                sub.split() ? Optional.of(new long[] {sub.startPfn(), sub.endPfn()}) : Optional.empty());
    }

    public static KdumpFile open(ByteSource src, DumpFormat format) throws IOException {
        DiskDumpHeader dh = DiskDumpHeader.read(src);
        KdumpSubHeader sub = KdumpSubHeader.read(src, dh);
        long bitmapOffset = (1L + dh.subHdrSize()) * dh.blockSize();
        long bitmapBytes = dh.bitmapBlocks() * dh.blockSize();
        if (bitmapBytes > MAX_BITMAP_BYTES) {
            throw new DumpFormatException(src.name(), 436, "bitmaps of at most " + MAX_BITMAP_BYTES + " bytes",
                    bitmapBytes + " bytes");
        }
        // Only the bits below max_mapnr are ever consulted (pageState stops there), so only they are read:
        // a bitmap declared larger than max_mapnr needs allocates nothing for its unused tail.
        long half = bitmapBytes / 2;
        int used = (int) Math.min(half, sub.maxMapnr() >= 0 ? Math.ceilDiv(sub.maxMapnr(), 8) : half);
        if (bitmapOffset + half + used > src.size()) {
            throw new DumpFormatException(src.name(), bitmapOffset, "two bitmaps of " + half + " bytes (" + used
                    + " describing max_mapnr " + sub.maxMapnr() + ")", "end of file at " + src.size());
        }
        // makedumpfile writes both bitmaps whole, also into a flattened dump: bitmaps that its records do
        // not carry would be read as zeros, megabytes of them from a small damaged file.
        long held = src.bytesHeld(bitmapOffset, used) + src.bytesHeld(bitmapOffset + half, used);
        if (held < 2L * used) {
            throw new DumpFormatException(src.name(), bitmapOffset, "two bitmaps of " + used + " bytes (describing max_mapnr "
                    + sub.maxMapnr() + ") present in the file", "only " + held + " of their " + 2L * used + " bytes");
        }
        byte[] raw = new byte[2 * used];
        src.readFully(bitmapOffset, raw, 0, used, "kdump bitmaps");
        src.readFully(bitmapOffset + half, raw, used, used, "kdump bitmaps");
        DumpBitmap ram = new DumpBitmap(raw, 0, used);
        DumpBitmap dumpable = new DumpBitmap(raw, used, used);
        List<ElfNote> notes = List.of();
        if (sub.sizeNote() > 0) {
            byte[] area = new byte[(int) sub.sizeNote()];
            src.readFully(sub.offsetNote(), area, 0, area.length, "ELF notes");
            notes = ElfNotes.parse(src.name(), sub.offsetNote(), area);
        }
        String vmcoreinfo = null;
        if (sub.sizeVmcoreinfo() > 0) {
            byte[] vi = new byte[(int) sub.sizeVmcoreinfo()];
            src.readFully(sub.offsetVmcoreinfo(), vi, 0, vi.length, "VMCOREINFO");
            vmcoreinfo = new String(vi, StandardCharsets.UTF_8);
        }
        return new KdumpFile(src, format, dh, sub, ram, dumpable, List.copyOf(notes), vmcoreinfo);
    }

    private static PageCodec codecOf(int status) {
        for (PageCodec c : PageCodec.values()) {
            if (c != PageCodec.NONE && (status & c.flag()) != 0) {
                return c;
            }
        }
        return PageCodec.NONE;
    }

    @Override
    public String name() {
        return src.name();
    }

    @Override
    public DumpHeader header() {
        return header;
    }

    @Override
    public List<ElfNote> notes() {
        return notes;
    }

    @Override
    public Optional<String> vmcoreinfo() {
        if (vmcoreinfo != null) {
            return Optional.of(vmcoreinfo);
        }
        return notes.stream().filter(ElfNote::isVmcoreinfo).findFirst().map(ElfNote::descAsText);
    }

    @Override
    public PageState pageState(long pfn) {
        if (pfn < 0 || pfn >= sub.maxMapnr()) {
            return PageState.NOT_IN_RAM;
        }
        if (!dumpable.get(pfn) || pfn < sub.startPfn() || pfn >= sub.endPfn()) {
            return ram.get(pfn) ? PageState.EXCLUDED : PageState.NOT_IN_RAM;
        }
        if (!dh.incomplete()) {
            return PageState.PRESENT;
        }
        try {
            return written(descriptors.get(descriptorIndex(pfn))) ? PageState.PRESENT : PageState.NOT_WRITTEN;
        } catch (IOException e) {
            return PageState.NOT_WRITTEN;
        }
    }

    private long descriptorIndex(long pfn) {
        return dumpable.rank(pfn) - rankOfStart;
    }

    private boolean written(PageDescriptor d) throws IOException {
        return !d.unwritten() && d.offset() > 0 && d.offset() + d.size() <= src.size();
    }

    @Override
    public ReadResult readPage(long pfn, byte[] dst) {
        long paddr = pfn * dh.blockSize();
        PageState state = pageState(pfn);
        switch (state) {
            case PRESENT -> { }
            case EXCLUDED -> {
                return Unavailable.physical(paddr, pfn, Unavailable.Reason.EXCLUDED, null);
            }
            case NOT_IN_RAM -> {
                return Unavailable.physical(paddr, pfn, Unavailable.Reason.NOT_IN_RAM, null);
            }
            case NOT_WRITTEN -> {
                return Unavailable.physical(paddr, pfn, Unavailable.Reason.NOT_WRITTEN,
                        "the dump is marked incomplete and this page was never written");
            }
        }
        long index = descriptorIndex(pfn);
        long descAt = descriptors.offsetOf(index);
        try {
            PageDescriptor d = descriptors.get(index);
            if (!written(d)) {
                return corrupt(paddr, pfn, descAt, "a page descriptor pointing inside the file",
                        "offset " + d.offset() + ", size " + d.size() + " (file size " + src.size() + ")");
            }
            PageCodec codec = PageCodec.fromDescriptorFlags(d.flags());
            int pageSize = dh.blockSize();
            if (codec == null || d.size() <= 0 || d.size() > 2 * pageSize
                    || (codec == PageCodec.NONE && d.size() != pageSize)) {
                return corrupt(paddr, pfn, descAt, "a descriptor with one codec and a size up to " + 2 * pageSize,
                        "flags 0x" + Integer.toHexString(d.flags()) + ", size " + d.size());
            }
            byte[] data = new byte[d.size()];
            // The Unavailable made of a failure names the pfn; no message is built per page read.
            src.readFully(d.offset(), data, 0, data.length, "page data");
            try {
                byte[] out = dst.length == pageSize ? dst : new byte[pageSize];
                codec.decompress(data, data.length, out);
                if (out != dst) {
                    System.arraycopy(out, 0, dst, 0, pageSize);
                }
            } catch (IOException e) {
                return corrupt(paddr, pfn, d.offset(), "a " + codec.name().toLowerCase() + " page that decodes to "
                        + pageSize + " bytes", e.getMessage());
            }
            return ReadResult.OK;
        } catch (IOException e) {
            return Unavailable.physical(paddr, pfn, Unavailable.Reason.CORRUPT, e.getMessage());
        }
    }

    private Unavailable corrupt(long paddr, long pfn, long at, String expected, String found) {
        return Unavailable.physical(paddr, pfn, Unavailable.Reason.CORRUPT,
                new DumpFormatException(src.name(), at, expected, found).getMessage());
    }

    /** Number of page descriptors (dumped pages of this file, written or not). */
    public long descriptorCount() {
        return descriptorCount;
    }

    /** The first pfn at or after {@code from} that the second bitmap marks dumped in this file, or -1. */
    public long nextDumpedPfn(long from) {
        long pfn = dumpable.nextSet(Math.max(from, sub.startPfn()));
        return pfn >= 0 && pfn < sub.endPfn() ? pfn : -1;
    }

    @Override
    public void forEachPresentPfn(LongConsumer action) {
        for (long pfn = dumpable.nextSet(sub.startPfn()); pfn >= 0 && pfn < sub.endPfn(); pfn = dumpable.nextSet(pfn + 1)) {
            if (!dh.incomplete() || pageState(pfn) == PageState.PRESENT) {
                action.accept(pfn);
            }
        }
    }

    @Override
    public PageCounts countPages() throws IOException {
        long inRam = ram.rank(sub.maxMapnr());
        long zero = 0;
        long notWritten = 0;
        // One sequential pass over the descriptor table in reads of up to 1 MiB (a small table, a small buffer).
        int perRead = (int) Math.min((1 << 20) / PageDescriptor.SIZE, descriptorCount);
        byte[] buf = new byte[perRead * PageDescriptor.SIZE];
        for (long i = 0; i < descriptorCount; i += perRead) {
            int n = (int) Math.min(perRead, descriptorCount - i);
            long at = descriptors.offsetOf(i);
            int len = (int) Math.max(0, Math.min((long) n * PageDescriptor.SIZE, src.size() - at));
            if (len == 0) {
                notWritten += descriptorCount - i; // past the end of a cut file: the rest were never written
                break;
            }
            Arrays.fill(buf, len, n * PageDescriptor.SIZE, (byte) 0);
            src.readFully(at, buf, 0, len, "page descriptors");
            ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < n; k++) {
                PageDescriptor d = PageDescriptor.read(b, k * PageDescriptor.SIZE);
                if (!written(d)) {
                    notWritten++;
                } else if (d.offset() == zeroPageOffset && d.flags() == 0) {
                    zero++;
                }
            }
        }
        long dumped = descriptorCount - notWritten;
        long excluded = Math.max(0, inRam - descriptorCount);
        return new PageCounts(inRam, dumped, excluded, zero, notWritten);
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
