package io.crashpipe.parsers.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.memory.Unavailable;
import org.junit.jupiter.api.Test;

/** Page tables built by hand in a synthetic physical memory image. */
class X86_64AddressSpaceTest {
    static final long PHYS_BASE = 0x2000000;
    static final long ROOT_VADDR = X86_64AddressSpace.START_KERNEL_MAP + 0x100000;
    static final long ROOT = ROOT_VADDR - X86_64AddressSpace.START_KERNEL_MAP + PHYS_BASE;
    static final long P = 1; // present
    static final long PS = 1 << 7; // huge page

    private static long index(long vaddr, int shift) {
        return (vaddr >>> shift) & 511;
    }

    private static long paddrOf(Translation t) {
        return assertInstanceOf(Translation.Mapped.class, t).paddr();
    }

    @Test
    void kernelImageAddressesUsePhysBaseWithoutAWalk() {
        X86_64AddressSpace s = new X86_64AddressSpace(new SparseMemory(), PHYS_BASE, 1L << 30, ROOT_VADDR, false, 0);
        assertEquals(PHYS_BASE + 0x1234, paddrOf(s.translate(X86_64AddressSpace.START_KERNEL_MAP + 0x1234)));
    }

    @Test
    void fourLevelWalkResolves4KiB2MiBAnd1GiBPagesAndMasksSme() {
        long sme = 1L << 47;
        long v4k = 0xffff888000001234L;
        long v2m = 0xffff888040123456L;
        long v1g = 0xffff8880c0345678L;
        SparseMemory m = new SparseMemory();
        long pud = 0x10000;
        long pmd = 0x11000;
        long pt = 0x12000;
        m.putLong(ROOT + 8 * index(v4k, 39), pud | P | sme);
        m.putLong(pud + 8 * index(v4k, 30), pmd | P | sme);
        m.putLong(pmd + 8 * index(v4k, 21), pt | P | sme);
        m.putLong(pt + 8 * index(v4k, 12), 0x7000000L | P | sme | (1L << 63));
        long pmd2 = 0x13000;
        m.putLong(pud + 8 * index(v2m, 30), pmd2 | P);
        m.putLong(pmd2 + 8 * index(v2m, 21), 0x4a00000L | P | PS | sme);
        m.putLong(pud + 8 * index(v1g, 30), 0x80000000L | P | PS);
        X86_64AddressSpace s = new X86_64AddressSpace(m, PHYS_BASE, 1L << 30, ROOT_VADDR, false, sme);
        assertEquals(0x7000234L, paddrOf(s.translate(v4k)));
        assertEquals(0x4a00000L + (v2m & 0x1fffff), paddrOf(s.translate(v2m)));
        assertEquals(0x80000000L + (v1g & 0x3fffffff), paddrOf(s.translate(v1g)));
    }

    @Test
    void fiveLevelWalkUsesTheP4dLevel() {
        long v = 0xff11000000005000L;
        SparseMemory m = new SparseMemory();
        m.putLong(ROOT + 8 * index(v, 48), 0x20000 | P);
        m.putLong(0x20000 + 8 * index(v, 39), 0x21000 | P);
        m.putLong(0x21000 + 8 * index(v, 30), 0x40000000L | P | PS);
        X86_64AddressSpace s = new X86_64AddressSpace(m, PHYS_BASE, 1L << 30, ROOT_VADDR, true, 0);
        assertEquals(5, s.pagingLevels());
        assertEquals(0x40000000L + (v & 0x3fffffff), paddrOf(s.translate(v)));
    }

    @Test
    void missingPageTablePageMakesOnlyThatAddressUnavailableNamingItsPfn() {
        long v = 0xffff888000001000L;
        SparseMemory m = new SparseMemory();
        m.putLong(ROOT + 8 * index(v, 39), 0x55000 | P); // PUD page 0x55 is not in the image
        X86_64AddressSpace s = new X86_64AddressSpace(m, PHYS_BASE, 1L << 30, ROOT_VADDR, false, 0);
        Unavailable u = assertInstanceOf(Translation.Unmapped.class, s.translate(v)).why();
        assertTrue(u.virtual());
        assertEquals(v, u.address());
        assertEquals(0x55, u.pfn());
        assertEquals(Unavailable.Reason.EXCLUDED, u.reason());
    }

    @Test
    void absentEntryIsNotMappedWithoutAPfn() {
        SparseMemory m = new SparseMemory();
        m.putLong(ROOT, 0); // the root page exists, every entry empty
        X86_64AddressSpace s = new X86_64AddressSpace(m, PHYS_BASE, 1L << 30, ROOT_VADDR, false, 0);
        Unavailable u = assertInstanceOf(Translation.Unmapped.class, s.translate(0xffff888000000000L)).why();
        assertEquals(Unavailable.Reason.NOT_MAPPED, u.reason());
        assertEquals(-1, u.pfn());
        KernelMemory km = new KernelMemory(s);
        assertInstanceOf(Unavailable.class, km.tryRead(0xffff888000000000L, new byte[8], 0, 8));
        assertEquals(Unavailable.Reason.NOT_MAPPED,
                assertInstanceOf(Translation.Unmapped.class, s.translate(0x0000900000000000L)).why().reason());
    }

    @Test
    void mappedPageMissingFromTheImageIsUnavailableAtTheVirtualAddressWithTheDataPfn() {
        long v = 0xffff888000203008L;
        SparseMemory m = new SparseMemory();
        m.putLong(ROOT + 8 * index(v, 39), 0x30000 | P);
        m.putLong(0x30000 + 8 * index(v, 30), 0x31000 | P);
        m.putLong(0x31000 + 8 * index(v, 21), 0x32000 | P);
        m.putLong(0x32000 + 8 * index(v, 12), 0x9abc000L | P); // data page 0x9abc is not in the image
        KernelMemory km = new KernelMemory(new X86_64AddressSpace(m, PHYS_BASE, 1L << 30, ROOT_VADDR, false, 0));
        Unavailable u = assertInstanceOf(Unavailable.class, km.tryRead(v, new byte[16], 0, 16));
        assertTrue(u.virtual());
        assertEquals(v, u.address());
        assertEquals(0x9abc, u.pfn());
        assertEquals(Unavailable.Reason.EXCLUDED, u.reason());
    }

    @Test
    void fiveLevelMissingP4dPageNamesItsPfn() {
        long v = 0xff11000000005000L;
        SparseMemory m = new SparseMemory();
        m.putLong(ROOT + 8 * index(v, 48), 0x77000 | P); // the P4D page is not in the image
        X86_64AddressSpace s = new X86_64AddressSpace(m, PHYS_BASE, 1L << 30, ROOT_VADDR, true, 0);
        Unavailable u = assertInstanceOf(Translation.Unmapped.class, s.translate(v)).why();
        assertEquals(v, u.address());
        assertEquals(0x77, u.pfn());
    }
}
