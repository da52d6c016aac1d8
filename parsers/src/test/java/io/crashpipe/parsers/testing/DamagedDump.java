package io.crashpipe.parsers.testing;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.DumpHeader;
import io.crashpipe.parsers.dump.ElfNote;
import io.crashpipe.parsers.dump.PageCounts;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.dump.kdump.KdumpWriter;
import io.crashpipe.parsers.extract.HotPages;
import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * A fixture dump with its kernel memory damaged in place (containers intact): pages are patched
 * (or added where the dump filter left a RAM page out), and the register notes can be replaced.
 * {@link #write} stores it as a small kdump-compressed file (the pages the analyses read, plus the
 * patched ones), so the CLI can be run on it: the kept damaged-dump corpus is built by code, never
 * committed as binary files.
 */
public final class DamagedDump implements Dump {
    private final Dump base;
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private List<ElfNote> notes;
    private Optional<String> vmcoreinfo;

    public DamagedDump(Dump base) {
        this.base = base;
        this.notes = base.notes();
        this.vmcoreinfo = base.vmcoreinfo();
    }

    /** The physical address of kernel virtual address {@code vaddr} in {@code view}. */
    public static long paddr(KernelView view, long vaddr) {
        return switch (view.memory().addressSpace().translate(vaddr)) {
            case Translation.Mapped m -> m.paddr();
            case Translation.Unmapped u -> throw new IllegalArgumentException("not mapped: " + u.why().describe());
        };
    }

    /** Overwrites {@code bytes} at physical address {@code paddr} (within one page). */
    public DamagedDump patch(long paddr, byte[] bytes) {
        int ps = pageSize();
        long pfn = paddr / ps;
        int off = (int) (paddr % ps);
        if (off + bytes.length > ps) {
            throw new IllegalArgumentException("a patch stays within one page");
        }
        byte[] page = pages.computeIfAbsent(pfn, p -> {
            byte[] b = new byte[ps];
            base.readPage(p, b); // a page the dump lacks starts as zeros
            return b;
        });
        System.arraycopy(bytes, 0, page, off, bytes.length);
        return this;
    }

    public DamagedDump putLong(long paddr, long value) {
        return patch(paddr, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value).array());
    }

    /** Replaces the ELF notes (register notes, VMCOREINFO as a note). */
    public DamagedDump notes(List<ElfNote> replacement) {
        this.notes = List.copyOf(replacement);
        return this;
    }

    /** Replaces the VMCOREINFO text (and the VMCOREINFO note, where the dump carries one). */
    public DamagedDump vmcoreinfo(String text) {
        this.vmcoreinfo = Optional.of(text);
        byte[] desc = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.notes = notes.stream().map(n -> n.isVmcoreinfo() ? new ElfNote(n.name(), n.type(), desc, n.fileOffset()) : n)
                .toList();
        return this;
    }

    /** Writes the damaged dump: the pages the analyses read on the intact fixture, and every patched page. */
    public Path write(Path out) throws IOException {
        TreeSet<Long> keep = new TreeSet<>();
        for (long pfn : HotPages.of(base)) {
            keep.add(pfn);
        }
        keep.addAll(pages.keySet());
        KdumpWriter.write(this, keep.stream().mapToLong(Long::longValue).toArray(), out);
        return out;
    }

    @Override
    public String name() {
        return base.name() + " (damaged)";
    }

    @Override
    public DumpHeader header() {
        return base.header();
    }

    @Override
    public List<ElfNote> notes() {
        return notes;
    }

    @Override
    public Optional<String> vmcoreinfo() {
        return vmcoreinfo;
    }

    @Override
    public PageState pageState(long pfn) {
        return pages.containsKey(pfn) ? PageState.PRESENT : base.pageState(pfn);
    }

    @Override
    public ReadResult readPage(long pfn, byte[] dst) {
        byte[] p = pages.get(pfn);
        if (p == null) {
            return base.readPage(pfn, dst);
        }
        System.arraycopy(p, 0, dst, 0, p.length);
        return ReadResult.OK;
    }

    @Override
    public void forEachPresentPfn(LongConsumer action) throws IOException {
        List<Long> present = new ArrayList<>();
        base.forEachPresentPfn(present::add);
        TreeSet<Long> all = new TreeSet<>(present);
        all.addAll(pages.keySet());
        all.forEach(action::accept);
    }

    @Override
    public PageCounts countPages() throws IOException {
        return base.countPages();
    }

    @Override
    public void close() throws IOException {
        base.close();
    }
}
