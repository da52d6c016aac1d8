package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.memory.PhysicalMemory;

/**
 * A kernel's virtual address space as an architecture rebuilds it from VMCOREINFO: the kernel
 * image mapping and a walk of the kernel page tables. A page-table page missing from the dump
 * makes only the addresses under it unreadable ({@link Translation.Unmapped} names its pfn).
 */
public interface AddressSpace {

    /** The physical memory the page tables and pages are read from. */
    PhysicalMemory physical();

    /** Page-table levels the walk uses (4 or 5 on x86_64; 3 or 4 on arm64 with 4 KiB pages). */
    int pagingLevels();

    Translation translate(long vaddr);
}
