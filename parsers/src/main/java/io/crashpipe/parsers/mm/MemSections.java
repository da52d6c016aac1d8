package io.crashpipe.parsers.mm;

import io.crashpipe.parsers.kernel.MissingVmcoreinfoException;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's SPARSEMEM section table ({@code mem_section}, include/linux/mmzone.h), read from
 * what VMCOREINFO exports for makedumpfile: {@code SYMBOL(mem_section)}, {@code LENGTH},
 * {@code SIZE(mem_section)}, {@code OFFSET(mem_section.section_mem_map)},
 * {@code NUMBER(SECTION_SIZE_BITS)} and {@code NUMBER(MAX_PHYSMEM_BITS)}.
 *
 * <p>With SPARSEMEM_EXTREME the symbol holds {@code LENGTH} root pointers, each to a page of
 * sections (since 4.15, commit 83e3c48729d9, VMCOREINFO gives the pointer's value, which is the
 * same array); without it the table is one flat array of sections. Each section's
 * {@code section_mem_map} is the encoded {@code mem_map - first_pfn} (mm/sparse.c
 * sparse_encode_mem_map) with flag bits below it; bit 0 is SECTION_MARKED_PRESENT.
 */
public final class MemSections {
    private static final long MARKED_PRESENT = 1;

    /** One present section: its first page frame and the address of its first struct page. */
    public record Section(long number, long firstPfn, long memMap) {}

    private MemSections() {}

    public static List<Section> present(VirtualMemory memory, Vmcoreinfo info) {
        long pageSize = info.pageSize().orElse(4096);
        long table = info.requireSymbol("mem_section");
        long roots = info.requireLength("mem_section");
        long sectionSize = info.requireSize("mem_section");
        long mapOffset = info.requireOffset("mem_section", "section_mem_map");
        long pageStructSize = info.requireSize("page");
        long sectionBits = number(info, "SECTION_SIZE_BITS");
        long pagesPerSection = pagesPerSection(info);
        long sectionCount = 1L << (number(info, "MAX_PHYSMEM_BITS") - sectionBits);
        long perRoot = pageSize / sectionSize;
        boolean extreme = roots * perRoot == sectionCount;
        // Both terms of the encoded map are page aligned (memmap allocations, and first_pfn times
        // the struct size is a multiple of a section's pages), so every flag bit lies below the page size.
        long flagMask = pageSize - 1;

        List<Section> sections = new ArrayList<>();
        if (!extreme) {
            ByteBuffer flat = le(memory.read(table, Math.toIntExact(roots * sectionSize)));
            for (long nr = 0; nr < roots; nr++) {
                add(sections, nr, flat.getLong(Math.toIntExact(nr * sectionSize + mapOffset)), pagesPerSection,
                        pageStructSize, flagMask);
            }
            return sections;
        }
        ByteBuffer rootPointers = le(memory.read(table, Math.toIntExact(roots * 8)));
        for (int root = 0; root < roots; root++) {
            long rootAddr = rootPointers.getLong(root * 8);
            if (rootAddr == 0) {
                continue;
            }
            ByteBuffer page = le(memory.read(rootAddr, Math.toIntExact(perRoot * sectionSize)));
            for (long i = 0; i < perRoot; i++) {
                add(sections, root * perRoot + i, page.getLong(Math.toIntExact(i * sectionSize + mapOffset)),
                        pagesPerSection, pageStructSize, flagMask);
            }
        }
        return sections;
    }

    /** Struct pages per section ({@code PAGES_PER_SECTION}). */
    public static long pagesPerSection(Vmcoreinfo info) {
        long pageShift = Long.numberOfTrailingZeros(info.pageSize().orElse(4096));
        return 1L << (number(info, "SECTION_SIZE_BITS") - pageShift);
    }

    private static void add(List<Section> out, long nr, long coded, long pagesPerSection, long pageStructSize,
            long flagMask) {
        if ((coded & MARKED_PRESENT) == 0) {
            return;
        }
        long firstPfn = nr * pagesPerSection;
        out.add(new Section(nr, firstPfn, (coded & ~flagMask) + firstPfn * pageStructSize));
    }

    private static long number(Vmcoreinfo info, String name) {
        return info.number(name).orElseThrow(() -> new MissingVmcoreinfoException("NUMBER(" + name + ")"));
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
