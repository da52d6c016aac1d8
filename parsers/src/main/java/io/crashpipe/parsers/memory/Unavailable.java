package io.crashpipe.parsers.memory;

import java.util.Locale;

/**
 * A read that could not be served: which address, which page frame, and why. The stream
 * topology waits for {@link Reason#NOT_YET_ARRIVED} pages; the others are final.
 *
 * @param address the address asked for (physical, or virtual when {@code virtual} is set)
 * @param pfn the physical page frame that is missing, or -1 when translation itself failed
 *     before a frame was known (see {@link Reason#NOT_MAPPED})
 */
public record Unavailable(long address, boolean virtual, long pfn, Reason reason, String detail)
        implements ReadResult {

    public enum Reason {
        /** The page frame is not RAM (a hole in the memory map). */
        NOT_IN_RAM,
        /** RAM, but the dump filter (makedumpfile's dump level) left it out. */
        EXCLUDED,
        /** The dump was cut short (incomplete flag) before this page was written. */
        NOT_WRITTEN,
        /** The page is in the dump but could not be decoded (bad compression, bad offset). */
        CORRUPT,
        /** Streaming: the page may still arrive. */
        NOT_YET_ARRIVED,
        /** Virtual address with no valid page-table entry. */
        NOT_MAPPED
    }

    public static Unavailable physical(long paddr, long pfn, Reason reason, String detail) {
        return new Unavailable(paddr, false, pfn, reason, detail);
    }

    /** The same fault, reported against the virtual address that led to it. */
    public Unavailable atVirtual(long vaddr) {
        return new Unavailable(vaddr, true, pfn, reason, detail);
    }

    public String describe() {
        String where = (virtual ? "virtual address 0x" : "physical address 0x") + Long.toHexString(address);
        String frame = pfn >= 0 ? " (pfn 0x" + Long.toHexString(pfn) + ")" : "";
        String why = reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return where + frame + ": " + why + (detail == null || detail.isEmpty() ? "" : " - " + detail);
    }
}
