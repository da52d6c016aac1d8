package io.crashpipe.parsers.dump.elf;

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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * An ELF64 vmcore: /proc/vmcore as copied, makedumpfile -E, or QEMU's dump-guest-memory.
 * makedumpfile -E marks filtered pages by giving a PT_LOAD a memory size larger than its file
 * size, so bytes past p_filesz are reported as {@link PageState#EXCLUDED}, not as zeros.
 */
public final class ElfVmcore implements Dump {
    private static final int MAX_PHNUM = 1 << 20;
    private static final long MAX_NOTES = 64L << 20;

    private final ByteSource src;
    private final LoadSegments loads;
    private final List<ElfNote> notes;
    private final DumpHeader header;
    private final int pageSize;

    /** x86_64 and arm64 physical addresses have at most 52 bits; a segment beyond is damage, not memory. */
    private static final long MAX_PHYS = 1L << 52;

    private ElfVmcore(ByteSource src, LoadSegments loads, List<ElfNote> notes, int pageSize) {
        this.src = src;
        this.loads = loads;
        this.notes = notes;
        this.pageSize = pageSize;
        long maxPfn = (loads.maxAddress() + pageSize - 1) / pageSize;
        this.header = new DumpHeader(DumpFormat.ELF, PageCodec.NONE, pageSize, maxPfn, OptionalInt.empty(),
                OptionalInt.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalLong.empty(),
                false, Optional.empty());
    }

    /** Opens an ELF vmcore; the source is owned by the returned dump. */
    public static ElfVmcore open(ByteSource src) throws IOException {
        Elf64Header eh = Elf64Header.read(src);
        int phnum = eh.phnum();
        if (phnum == Elf64Header.PN_XNUM) {
            // Too many segments for e_phnum: the real count is in section header 0's sh_info.
            phnum = src.readLE(eh.shoff() + 44, 4, "section header 0 sh_info (extended e_phnum)").getInt(0);
        }
        long tableLen = (long) phnum * ProgramHeader.SIZE;
        if (phnum <= 0 || phnum > MAX_PHNUM || eh.phoff() < 0 || eh.phoff() + tableLen > src.size()) {
            throw new DumpFormatException(src.name(), 32, "a program header table inside the file",
                    phnum + " entries at offset " + eh.phoff() + " in a file of " + src.size() + " bytes");
        }
        ByteBuffer table = src.readLE(eh.phoff(), (int) tableLen, "program headers");
        List<ProgramHeader> loads = new ArrayList<>();
        List<ElfNote> notes = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            ProgramHeader ph = ProgramHeader.read(table, i * ProgramHeader.SIZE);
            long at = eh.phoff() + (long) i * ProgramHeader.SIZE;
            if (ph.type() == ProgramHeader.PT_LOAD) {
                if (ph.filesz() < 0 || ph.memsz() < 0 || ph.paddr() < 0
                        || (ph.filesz() > 0 && (ph.offset() < 0 || ph.offset() + ph.filesz() > src.size()))) {
                    throw new DumpFormatException(src.name(), at, "a PT_LOAD whose file data lies inside the file",
                            "offset " + ph.offset() + " + size " + ph.filesz() + " (file size " + src.size() + ")");
                }
                if (ph.paddr() > MAX_PHYS || ph.memsz() > MAX_PHYS - ph.paddr()) {
                    throw new DumpFormatException(src.name(), at, "a PT_LOAD within the 52-bit physical address space",
                            "paddr 0x" + Long.toHexString(ph.paddr()) + " + memsz 0x" + Long.toHexString(ph.memsz()));
                }
                loads.add(ph);
            } else if (ph.type() == ProgramHeader.PT_NOTE && ph.filesz() > 0) {
                if (ph.filesz() > MAX_NOTES || ph.offset() < 0 || ph.offset() + ph.filesz() > src.size()) {
                    throw new DumpFormatException(src.name(), at, "a PT_NOTE segment inside the file of at most "
                            + MAX_NOTES + " bytes", "offset " + ph.offset() + ", size " + ph.filesz());
                }
                byte[] area = new byte[(int) ph.filesz()];
                src.readFully(ph.offset(), area, 0, area.length, "PT_NOTE segment");
                notes.addAll(ElfNotes.parse(src.name(), ph.offset(), area));
            }
        }
        int pageSize = notes.stream().filter(ElfNote::isVmcoreinfo).findFirst()
                .map(n -> pageSizeFrom(n.descAsText())).orElse(4096);
        return new ElfVmcore(src, new LoadSegments(loads), List.copyOf(notes), pageSize);
    }

    private static int pageSizeFrom(String vmcoreinfo) {
        for (String line : vmcoreinfo.split("\n")) {
            if (line.startsWith("PAGESIZE=")) {
                try {
                    int ps = Integer.parseInt(line.substring(9).trim());
                    if (ps >= 4096 && Integer.bitCount(ps) == 1 && ps <= (1 << 20)) {
                        return ps;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the x86_64 default
                }
            }
        }
        return 4096;
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
        return notes.stream().filter(ElfNote::isVmcoreinfo).findFirst().map(ElfNote::descAsText);
    }

    @Override
    public PageState pageState(long pfn) {
        // Like makedumpfile's first bitmap, only whole pages count as RAM.
        long start = pfn * pageSize;
        LoadSegments.Range r = loads.find(start);
        if (r == null || r.memEnd() < start + pageSize) {
            return PageState.NOT_IN_RAM;
        }
        return start + pageSize <= r.fileEnd() ? PageState.PRESENT : PageState.EXCLUDED;
    }

    @Override
    public ReadResult readPage(long pfn, byte[] dst) {
        PageState state = pageState(pfn);
        long start = pfn * pageSize;
        if (state != PageState.PRESENT) {
            return Unavailable.physical(start, pfn, state == PageState.EXCLUDED
                    ? Unavailable.Reason.EXCLUDED : Unavailable.Reason.NOT_IN_RAM, null);
        }
        LoadSegments.Range r = loads.find(start);
        try {
            src.readFully(r.fileOffset() + (start - r.paddr()), dst, 0, pageSize, "page data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ReadResult.OK;
    }

    /**
     * Per segment, the present pages are the whole pages below its file end: walked directly, so a
     * segment whose memsz declares far more memory than the file holds costs nothing per page left out.
     */
    @Override
    public void forEachPresentPfn(LongConsumer action) {
        for (LoadSegments.Range r : loads.all()) {
            long first = firstPfn(r);
            long end = Math.min(endPfn(r), Long.divideUnsigned(r.fileEnd(), pageSize));
            for (long pfn = first; pfn < end; pfn++) {
                action.accept(pfn);
            }
        }
    }

    /** Counted per segment (whole pages only, as makedumpfile's first bitmap), never page by page. */
    @Override
    public PageCounts countPages() {
        long ram = 0;
        long present = 0;
        for (LoadSegments.Range r : loads.all()) {
            long first = firstPfn(r);
            long end = endPfn(r);
            ram += Math.max(0, end - first);
            present += Math.max(0, Math.min(end, Long.divideUnsigned(r.fileEnd(), pageSize)) - first);
        }
        return new PageCounts(ram, present, ram - present, 0, 0);
    }

    private long firstPfn(LoadSegments.Range r) {
        return Long.divideUnsigned(r.paddr(), pageSize) + (Long.remainderUnsigned(r.paddr(), pageSize) == 0 ? 0 : 1);
    }

    private long endPfn(LoadSegments.Range r) {
        return Long.divideUnsigned(r.memEnd(), pageSize);
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
