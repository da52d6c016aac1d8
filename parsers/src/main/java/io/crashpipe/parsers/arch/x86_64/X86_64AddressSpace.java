package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.arch.AddressSpace;
import io.crashpipe.parsers.arch.WalkCache;
import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x86_64 kernel's virtual address space, rebuilt from what VMCOREINFO says: the kernel
 * image mapping ({@code __START_KERNEL_map} + phys_base, which already includes the KASLR
 * slide), and everything else by walking the kernel page tables from {@code init_top_pgt} with
 * 4- or 5-level paging, 1 GiB and 2 MiB pages, and the SME encryption bit masked off.
 *
 * <p>A page-table page that is not in the dump makes only the addresses under it unreadable:
 * the result is an {@link Unavailable} that names that page's pfn, so a streaming caller can
 * wait for it.
 */
public final class X86_64AddressSpace implements AddressSpace {
    /** Where the kernel image is mapped before the KASLR slide (arch/x86/include/asm/page_64_types.h). */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** The image mapping's size when VMCOREINFO does not say (1 GiB with KASLR, the common case). */
    static final long DEFAULT_KERNEL_IMAGE_SIZE = 1L << 30;

    private static final long PAGE_PRESENT = 1L;
    private static final long PAGE_HUGE = 1L << 7;
    private static final long PHYS_ADDR_MASK = 0x000f_ffff_ffff_f000L;
    private static final int TRANSLATION_CACHE_ENTRIES = 1024;

    private final PhysicalMemory physical;
    private final long physBase;
    private final long imageEnd;
    private final long rootTablePaddr;
    private final int levels;
    private final long entryAddressMask;
    /** 2 MiB region -> what the walk found at the PMD level; keeps page walks to one read per 4 KiB page. */
    private final WalkCache<long[]> regionCache = new WalkCache<>(TRANSLATION_CACHE_ENTRIES);

    /** The region the last translation used (immutable: a racy read sees a whole one or none). */
    private record LastRegion(long region, long[] pmdLevel) {}

    private LastRegion lastRegion;

    /**
     * @param physBase {@code NUMBER(phys_base)}: physical address minus link address of the image
     * @param kernelImageSize {@code NUMBER(KERNEL_IMAGE_SIZE)}
     * @param rootTableVaddr {@code SYMBOL(init_top_pgt)} (the kernel's top-level page table)
     * @param fiveLevel {@code NUMBER(pgtable_l5_enabled)} is 1
     * @param smeMask {@code NUMBER(sme_mask)}: the memory-encryption bit set in page-table entries
     */
    public X86_64AddressSpace(PhysicalMemory physical, long physBase, long kernelImageSize,
            long rootTableVaddr, boolean fiveLevel, long smeMask) {
        this.physical = physical;
        this.physBase = physBase;
        this.imageEnd = START_KERNEL_MAP + kernelImageSize;
        this.levels = fiveLevel ? 5 : 4;
        this.entryAddressMask = PHYS_ADDR_MASK & ~smeMask;
        if (!inKernelImage(rootTableVaddr)) {
            throw new IllegalArgumentException("init_top_pgt 0x" + Long.toHexString(rootTableVaddr)
                    + " is not in the kernel image mapping");
        }
        this.rootTablePaddr = rootTableVaddr - START_KERNEL_MAP + physBase;
    }

    /** Builds the address space from the note; the image-size default covers kernels without the key. */
    public static X86_64AddressSpace fromVmcoreinfo(Vmcoreinfo vi, PhysicalMemory physical) {
        long physBase = vi.number("phys_base").orElse(0);
        long imageSize = vi.number("KERNEL_IMAGE_SIZE").orElse(DEFAULT_KERNEL_IMAGE_SIZE);
        // init_top_pgt since 4.13 (commit 65ade2f872b4), init_level4_pgt before; swapper_pg_dir as a last resort.
        long root = vi.symbol("init_top_pgt").isPresent() ? vi.symbol("init_top_pgt").getAsLong()
                : vi.symbol("init_level4_pgt").isPresent() ? vi.symbol("init_level4_pgt").getAsLong()
                : vi.requireSymbol("swapper_pg_dir");
        boolean five = vi.number("pgtable_l5_enabled").orElse(0) == 1;
        return new X86_64AddressSpace(physical, physBase, imageSize, root, five, vi.number("sme_mask").orElse(0));
    }

    @Override
    public PhysicalMemory physical() {
        return physical;
    }

    @Override
    public int pagingLevels() {
        return levels;
    }

    public boolean inKernelImage(long vaddr) {
        return Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0 && Long.compareUnsigned(vaddr, imageEnd) < 0;
    }

    @Override
    public Translation translate(long vaddr) {
        if (inKernelImage(vaddr)) {
            long paddr = vaddr - START_KERNEL_MAP + physBase;
            return new Translation.Mapped(paddr, 4096 - (paddr & 4095));
        }
        if (!canonical(vaddr)) {
            return unmapped(vaddr, "not a canonical " + (levels == 5 ? "57" : "48") + "-bit address");
        }
        long region = vaddr >>> 21;
        LastRegion recent = lastRegion;
        long[] pmdLevel = recent != null && recent.region() == region
                ? recent.pmdLevel() // reads run through an object or a table: mostly the same 2 MiB
                : regionCache.get(region);
        if (pmdLevel == null) {
            Object r = walkToPmd(vaddr);
            if (r instanceof Translation t) {
                return t;
            }
            pmdLevel = (long[]) r;
            regionCache.put(region, pmdLevel);
        }
        if (recent == null || recent.region() != region) {
            lastRegion = new LastRegion(region, pmdLevel);
        }
        if (pmdLevel[0] == 1) { // huge leaf: [1, base paddr of the huge page, its size]
            long off = vaddr & (pmdLevel[2] - 1);
            return new Translation.Mapped(pmdLevel[1] + off, pmdLevel[2] - off);
        }
        Entry pte = readEntry(pmdLevel[1], (vaddr >>> 12) & 511);
        if (pte.fault() != null) {
            return faultAt(vaddr, pte.fault(), "PMD");
        }
        if ((pte.value() & PAGE_PRESENT) == 0) {
            return unmapped(vaddr, "no PTE");
        }
        long paddr = (pte.value() & entryAddressMask) | (vaddr & 4095);
        return new Translation.Mapped(paddr, 4096 - (vaddr & 4095));
    }

    /** One page-table entry, or the physical fault that kept us from reading it. */
    private record Entry(long value, Unavailable fault) {}

    private Entry readEntry(long tablePaddr, long index) {
        byte[] b = new byte[8];
        ReadResult r = physical.tryRead(tablePaddr + index * 8, b, 0, 8);
        if (r instanceof Unavailable u) {
            return new Entry(0, u);
        }
        return new Entry(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(), null);
    }

    /**
     * The translation of {@code vaddr} failed reading a page-table page; {@code pointer} names the
     * level whose entry led there. A table outside RAM can only come from a damaged entry (or a
     * damaged root), so that is said in those words rather than as a missing page.
     */
    private static Translation faultAt(long vaddr, Unavailable u, String pointer) {
        String table = "page-table page at physical 0x" + Long.toHexString(u.address());
        String why = u.reason() == Unavailable.Reason.NOT_IN_RAM
                ? "translation failed: the " + pointer + " entry points outside RAM (" + table + ")"
                : table + " unavailable";
        return new Translation.Unmapped(new Unavailable(vaddr, true, u.pfn(), u.reason(),
                why + (u.detail() == null || u.detail().isEmpty() ? "" : ": " + u.detail())));
    }

    /**
     * Walks from the top table down to the PMD. Returns a Translation when the walk ends early
     * (fault or no entry), otherwise the PMD-level summary: {1, huge page base, size} for a
     * 1 GiB / 2 MiB leaf, or {0, PTE table paddr, 0}.
     */
    private Object walkToPmd(long vaddr) {
        int[] shifts = levels == 5 ? new int[] {48, 39, 30, 21} : new int[] {39, 30, 21};
        String[] names = levels == 5 ? new String[] {"PGD", "P4D", "PUD", "PMD"} : new String[] {"PGD", "PUD", "PMD"};
        long table = rootTablePaddr;
        for (int i = 0; i < shifts.length; i++) {
            int shift = shifts[i];
            Entry e = readEntry(table, (vaddr >>> shift) & 511);
            if (e.fault() != null) {
                return faultAt(vaddr, e.fault(), i == 0 ? "VMCOREINFO init_top_pgt" : names[i - 1]);
            }
            if ((e.value() & PAGE_PRESENT) == 0) {
                return unmapped(vaddr, "no " + names[i] + " entry");
            }
            long pageBytes = 1L << shift;
            if ((e.value() & PAGE_HUGE) != 0 && shift <= 30) {
                return new long[] {1, e.value() & entryAddressMask & ~(pageBytes - 1), pageBytes};
            }
            table = e.value() & entryAddressMask;
        }
        return new long[] {0, table, 0};
    }

    private boolean canonical(long vaddr) {
        int bits = levels == 5 ? 57 : 48;
        long top = vaddr >> (bits - 1);
        return top == 0 || top == -1;
    }

    private static Translation unmapped(long vaddr, String why) {
        return new Translation.Unmapped(new Unavailable(vaddr, true, -1, Unavailable.Reason.NOT_MAPPED, why));
    }
}
