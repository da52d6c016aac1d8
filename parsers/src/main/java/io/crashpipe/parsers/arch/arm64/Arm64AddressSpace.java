package io.crashpipe.parsers.arch.arm64;

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
 * The arm64 kernel's virtual address space (TTBR1 half), rebuilt from VMCOREINFO's arm64 keys
 * (published since Linux 4.12-5.x: {@code NUMBER(VA_BITS)}, {@code NUMBER(kimage_voffset)},
 * {@code NUMBER(PHYS_OFFSET)}, and {@code NUMBER(TCR_EL1_T1SZ)} since 5.9):
 *
 * <ul>
 *   <li>the linear map, by arithmetic: {@code paddr = vaddr - PAGE_OFFSET + PHYS_OFFSET}. Since
 *       Linux 5.4 ("arm64: mm: Flip kernel VA space") the linear map is the lower half of the
 *       kernel range ({@code PAGE_OFFSET = -(1 << VA_BITS)}); before, it was the upper half. Which
 *       one a dump uses is read from where {@code VMALLOC_START} (or the linear-map pointer
 *       {@code mem_section}) lies, not from the release. A kernel built for 52-bit VAs running
 *       with fewer ({@code TCR_EL1_T1SZ}: no LVA/LPA2 in the CPU) keeps the 52-bit
 *       {@code PAGE_OFFSET} in its arithmetic and moves {@code memstart_addr} (PHYS_OFFSET) down
 *       instead, so the linear map lands in the smaller range (arm64_memblock_init, since 5.4's
 *       "arm64: mm: Introduce 52-bit Kernel VAs"): the range comes from T1SZ, the offset from
 *       VA_BITS;</li>
 *   <li>the kernel image, to find {@code swapper_pg_dir}: {@code paddr = vaddr - kimage_voffset};</li>
 *   <li>everything else (vmalloc, modules, stacks, vmemmap, the image) by walking
 *       {@code swapper_pg_dir} with the granule {@code PAGESIZE} gives (4, 16 or 64 KiB), block
 *       descriptors at the levels that allow them, and 52-bit output addresses: LPA with 64 KiB
 *       pages (bits 51:48 in descriptor bits 15:12), LPA2 with 4 and 16 KiB pages when the kernel
 *       runs with 52-bit VAs (TCR_EL1.DS: bits 51:50 in descriptor bits 9:8, Linux 6.9).</li>
 * </ul>
 */
public final class Arm64AddressSpace implements AddressSpace {
    private static final long DESC_VALID = 1L;
    private static final long DESC_TABLE = 2L;
    private static final int CACHE_ENTRIES = 1024;

    private final PhysicalMemory physical;
    private final int pageShift;
    private final int bitsPerLevel;
    private final int levels;
    private final int vaBits;
    private final long linearStart;
    private final long linearEnd;
    /** PAGE_OFFSET as the kernel's __lm_to_phys() uses it (built-in VA_BITS, see above). */
    private final long pageOffset;
    private final long physOffset;
    private final long kimageVoffset;
    private final long rootPaddr;
    private final boolean lpa52;
    private final boolean lpa2;
    /** Page -> {base paddr, block or page size} of its leaf descriptor. */
    private final WalkCache<long[]> leafCache = new WalkCache<>(CACHE_ENTRIES);

    private Arm64AddressSpace(Builder b) {
        this.physical = b.physical;
        this.pageShift = Integer.numberOfTrailingZeros(b.pageSize);
        this.bitsPerLevel = pageShift - 3;
        this.vaBits = b.vaBits;
        this.levels = (vaBits - pageShift + bitsPerLevel - 1) / bitsPerLevel;
        long half = 1L << (vaBits - 1);
        long rangeStart = -(1L << vaBits);
        this.linearStart = b.flippedLayout ? rangeStart : rangeStart + half;
        this.linearEnd = linearStart + half;
        this.pageOffset = b.flippedLayout ? -(1L << Math.max(b.builtVaBits, vaBits)) : linearStart;
        this.physOffset = b.physOffset;
        this.kimageVoffset = b.kimageVoffset;
        this.rootPaddr = b.swapperPgDir - b.kimageVoffset;
        this.lpa52 = b.maxPhysmemBits == 52 && pageShift == 16;
        this.lpa2 = vaBits == 52 && pageShift != 16;
    }

    /** True when the note carries the arm64 keys this address space is built from. */
    public static boolean describedBy(Vmcoreinfo vi) {
        return vi.number("VA_BITS").isPresent() && vi.number("kimage_voffset").isPresent()
                && vi.number("PHYS_OFFSET").isPresent() && vi.symbol("swapper_pg_dir").isPresent();
    }

    public static Arm64AddressSpace fromVmcoreinfo(Vmcoreinfo vi, PhysicalMemory physical) {
        int vaBits = (int) vi.number("VA_BITS").orElseThrow(() -> missing("NUMBER(VA_BITS)"));
        // TCR_EL1.T1SZ is what the MMU really used: 64 - T1SZ kernel VA bits (52-bit VA kernels on
        // 48-bit hardware run with 48 although VA_BITS says 52).
        long t1sz = vi.number("TCR_EL1_T1SZ").orElse(64 - vaBits);
        long vmallocStart = vi.number("VMALLOC_START").orElse(0);
        int runtimeVaBits = (int) (64 - t1sz);
        long linearHint = vmallocStart != 0 ? vmallocStart : vi.symbol("mem_section").orElse(0);
        boolean upperHalf = linearHint != 0 && (linearHint & (1L << (runtimeVaBits - 1))) != 0;
        // With VMALLOC_START in the upper half the linear map is the lower one (flipped layout);
        // with mem_section (itself in the linear map) it is the other way round.
        boolean flipped = vmallocStart != 0 ? upperHalf : !upperHalf;
        return builder(physical)
                .pageSize((int) vi.pageSize().orElse(4096))
                .vaBits(runtimeVaBits)
                .builtVaBits(vaBits)
                .flippedLayout(flipped)
                .physOffset(vi.number("PHYS_OFFSET").orElseThrow(() -> missing("NUMBER(PHYS_OFFSET)")))
                .kimageVoffset(vi.number("kimage_voffset").orElseThrow(() -> missing("NUMBER(kimage_voffset)")))
                .swapperPgDir(vi.requireSymbol("swapper_pg_dir"))
                .maxPhysmemBits((int) vi.number("MAX_PHYSMEM_BITS").orElse(48))
                .build();
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("arm64 dump without " + key + " in VMCOREINFO");
    }

    public static Builder builder(PhysicalMemory physical) {
        return new Builder(physical);
    }

    @Override
    public PhysicalMemory physical() {
        return physical;
    }

    @Override
    public int pagingLevels() {
        return levels;
    }

    public boolean inLinearMap(long vaddr) {
        return Long.compareUnsigned(vaddr, linearStart) >= 0 && Long.compareUnsigned(vaddr, linearEnd) < 0;
    }

    /** The linear-map address of a physical address (what {@code phys_to_virt} gives). */
    public long linearAddress(long paddr) {
        return paddr - physOffset + pageOffset;
    }

    @Override
    public Translation translate(long vaddr) {
        long pageSize = 1L << pageShift;
        if (inLinearMap(vaddr)) {
            long paddr = vaddr - pageOffset + physOffset;
            return new Translation.Mapped(paddr, pageSize - (paddr & (pageSize - 1)));
        }
        if ((vaddr >> vaBits) != -1L) {
            return unmapped(vaddr, "not a kernel (TTBR1) address for " + vaBits + "-bit virtual addresses");
        }
        long page = vaddr >>> pageShift;
        long[] leaf = leafCache.get(page);
        if (leaf == null) {
            Object r = walk(vaddr);
            if (r instanceof Translation t) {
                return t;
            }
            leaf = (long[]) r;
            leafCache.put(page, leaf);
        }
        long off = vaddr & (leaf[1] - 1);
        return new Translation.Mapped(leaf[0] + off, leaf[1] - off);
    }

    /** Walks the tables; returns {base paddr, block or page size} or the Translation that ended it. */
    private Object walk(long vaddr) {
        long table = rootPaddr;
        int firstLevel = 4 - levels;
        for (int level = firstLevel; level <= 3; level++) {
            int shift = pageShift + (3 - level) * bitsPerLevel;
            int indexBits = level == firstLevel ? vaBits - shift : bitsPerLevel;
            long index = (vaddr >>> shift) & ((1L << indexBits) - 1);
            byte[] b = new byte[8];
            ReadResult r = physical.tryRead(table + index * 8, b, 0, 8);
            if (r instanceof Unavailable u) {
                return new Translation.Unmapped(new Unavailable(vaddr, true, u.pfn(), u.reason(),
                        "level " + level + " page-table page at physical 0x" + Long.toHexString(u.address())
                                + " unavailable"));
            }
            long desc = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if ((desc & DESC_VALID) == 0) {
                return unmapped(vaddr, "no level " + level + " descriptor");
            }
            long size = 1L << shift;
            boolean table3OrPage = (desc & DESC_TABLE) != 0;
            if (level == 3) {
                if (!table3OrPage) {
                    return unmapped(vaddr, "reserved level 3 descriptor");
                }
                return new long[] {outputAddress(desc, shift), size};
            }
            if (!table3OrPage) { // a block: 1 GiB / 2 MiB with 4 KiB pages
                return new long[] {outputAddress(desc, shift), size};
            }
            table = outputAddress(desc, pageShift);
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * Output address bits [47:shift], plus bits [51:48] from descriptor bits [15:12] under LPA, or
     * bits [49:shift] and [51:50] from descriptor bits [9:8] under LPA2.
     */
    private long outputAddress(long desc, int shift) {
        if (lpa2) {
            return (desc & 0x0003_ffff_ffff_ffffL & -(1L << shift)) | ((desc >>> 8) & 0x3) << 50;
        }
        long pa = desc & 0x0000_ffff_ffff_ffffL & -(1L << shift);
        if (lpa52) {
            pa |= ((desc >>> 12) & 0xf) << 48;
        }
        return pa;
    }

    private static Translation unmapped(long vaddr, String why) {
        return new Translation.Unmapped(new Unavailable(vaddr, true, -1, Unavailable.Reason.NOT_MAPPED, why));
    }

    /** Settings of an arm64 address space; {@link #fromVmcoreinfo} fills them from the note. */
    public static final class Builder {
        private final PhysicalMemory physical;
        private int pageSize = 4096;
        private int vaBits = 48;
        private int builtVaBits;
        private boolean flippedLayout = true;
        private long physOffset;
        private long kimageVoffset;
        private long swapperPgDir;
        private int maxPhysmemBits = 48;

        private Builder(PhysicalMemory physical) {
            this.physical = physical;
        }

        public Builder pageSize(int v) {
            if (v != 4096 && v != 16384 && v != 65536) {
                throw new IllegalArgumentException("arm64 page size " + v + ", expected 4096, 16384 or 65536");
            }
            pageSize = v;
            return this;
        }

        /** The virtual-address bits the MMU uses ({@code 64 - TCR_EL1_T1SZ}). */
        public Builder vaBits(int v) {
            if (v < 36 || v > 52) {
                throw new IllegalArgumentException("arm64 VA_BITS " + v + ", expected 36 to 52");
            }
            vaBits = v;
            return this;
        }

        /** VMCOREINFO's VA_BITS, the kernel's configured size (52 on a 48- or 47-bit CPU); default: vaBits. */
        public Builder builtVaBits(int v) {
            if (v < 36 || v > 52) {
                throw new IllegalArgumentException("arm64 VA_BITS " + v + ", expected 36 to 52");
            }
            builtVaBits = v;
            return this;
        }

        /** Linear map in the lower half of the kernel range (Linux 5.4 and later). */
        public Builder flippedLayout(boolean v) {
            flippedLayout = v;
            return this;
        }

        public Builder physOffset(long v) {
            physOffset = v;
            return this;
        }

        public Builder kimageVoffset(long v) {
            kimageVoffset = v;
            return this;
        }

        public Builder swapperPgDir(long v) {
            swapperPgDir = v;
            return this;
        }

        public Builder maxPhysmemBits(int v) {
            maxPhysmemBits = v;
            return this;
        }

        public Arm64AddressSpace build() {
            return new Arm64AddressSpace(this);
        }
    }
}
