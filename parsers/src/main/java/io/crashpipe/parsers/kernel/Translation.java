package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.memory.Unavailable;

/** Outcome of translating one kernel virtual address. */
public sealed interface Translation {

    /**
     * The address is mapped.
     *
     * @param paddr the physical address of the byte asked for
     * @param bytesToPageEnd how many bytes from {@code paddr} the same mapping still covers
     *     (the rest of its 4 KiB, 2 MiB or 1 GiB page)
     */
    record Mapped(long paddr, long bytesToPageEnd) implements Translation {}

    /** Not mapped, or a page-table page needed to tell is not available; names address and pfn. */
    record Unmapped(Unavailable why) implements Translation {}
}
