package io.crashpipe.parsers.dump;

import io.crashpipe.parsers.memory.ReadResult;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One crash dump file, whatever its container: header facts, notes, and page-by-page access.
 * Implementations are safe for concurrent reads.
 */
public interface Dump extends Closeable {

    /** The file name, for messages. */
    String name();

    DumpHeader header();

    /** Every ELF note, in file order (PRSTATUS per CPU, VMCOREINFO, QEMU's own notes, ...). */
    List<ElfNote> notes();

    /** The raw VMCOREINFO text, from the note or from the kdump sub-header. */
    Optional<String> vmcoreinfo();

    default int pageSize() {
        return header().pageSize();
    }

    default long maxPfn() {
        return header().maxPfn();
    }

    PageState pageState(long pfn);

    /**
     * Reads page {@code pfn} into {@code dst} (one page long). A page that is not in the dump, or
     * that fails to decode, gives an {@link io.crashpipe.parsers.memory.Unavailable}; only that page
     * is affected.
     */
    ReadResult readPage(long pfn, byte[] dst);

    /** Calls {@code action} for every page frame whose bytes are in the file, in pfn order. */
    void forEachPresentPfn(LongConsumer action) throws IOException;

    /** Page tallies; may read the whole page table of the dump (not the page data). */
    PageCounts countPages() throws IOException;

    /** The x86_64 register notes, one per CPU in note order. */
    default List<CpuRegisters> cpuRegisters() {
        List<CpuRegisters> out = new ArrayList<>();
        for (ElfNote n : notes()) {
            if (n.isPrstatus() && CpuRegisters.fits(n.desc())) {
                out.add(CpuRegisters.parse(out.size(), n.desc()));
            }
        }
        return out;
    }
}
