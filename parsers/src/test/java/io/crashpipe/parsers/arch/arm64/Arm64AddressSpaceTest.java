package io.crashpipe.parsers.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.KernelLogReader;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Arm64AddressSpaceTest {

    private static Path dump() {
        return Fixtures.dir("arm64-6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
    }

    /** Reads through the translation, page piece by page piece, as the kernel view does. */
    private static VirtualMemory memory(Arm64AddressSpace space) {
        return (vaddr, dst, off, len) -> {
            int done = 0;
            while (done < len) {
                Translation t = space.translate(vaddr + done);
                if (t instanceof Translation.Unmapped u) {
                    return u.why();
                }
                Translation.Mapped m = (Translation.Mapped) t;
                int n = (int) Math.min(len - done, m.bytesToPageEnd());
                if (space.physical().tryRead(m.paddr(), dst, off + done, n) instanceof Unavailable u) {
                    return u.atVirtual(vaddr + done);
                }
                done += n;
            }
            return ReadResult.OK;
        };
    }

    @Test
    void kernelLogReadThroughTheArm64PageTablesEqualsMakedumpfile() throws Exception {
        try (Dump d = Dumps.open(dump())) {
            Vmcoreinfo vi = Vmcoreinfo.parse(d.vmcoreinfo().orElseThrow());
            Arm64AddressSpace space = Arm64AddressSpace.fromVmcoreinfo(vi, new DumpMemory(d));
            assertEquals(4, space.pagingLevels());
            KernelLog log = KernelLogReader.read(memory(space), vi);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MakedumpfileDmesg.write(log, out);
            byte[] expected = Files.readAllBytes(Fixtures.truth(Fixtures.dir("arm64-6.1-qemu-sysrq"),
                    "dmesg.makedumpfile.txt"));
            assertArrayEquals(expected, out.toByteArray());
        }
    }

    @Test
    void linearMapIsTheLowerHalfAndImageAddressesWalkToKimageVoffset() throws Exception {
        try (Dump d = Dumps.open(dump())) {
            Vmcoreinfo vi = Vmcoreinfo.parse(d.vmcoreinfo().orElseThrow());
            Arm64AddressSpace space = Arm64AddressSpace.fromVmcoreinfo(vi, new DumpMemory(d));
            // crash's bt: TASK ffff0000025c0000 (PID 1) is a linear-map address: PHYS_OFFSET 0x40000000 + 0x25c0000.
            Translation.Mapped task = assertInstanceOf(Translation.Mapped.class, space.translate(0xffff0000025c0000L));
            assertEquals(0x425c0000L, task.paddr());
            // init_uts_ns lies in the image: the page walk must agree with vaddr - kimage_voffset.
            long uts = vi.requireSymbol("init_uts_ns");
            Translation.Mapped image = assertInstanceOf(Translation.Mapped.class, space.translate(uts));
            assertEquals(uts - vi.number("kimage_voffset").getAsLong(), image.paddr());
        }
    }

    /**
     * A kernel built with VA_BITS=52 on a CPU without LVA/LPA2 runs with 47-bit VAs (16 KiB
     * pages, TCR_EL1_T1SZ=17): the linear map is the lower half of the 47-bit range, but the
     * kernel's arithmetic keeps the 52-bit PAGE_OFFSET and a PHYS_OFFSET moved down to match.
     * Values of the lab's Debian 6.12 arm64-16k dump on QEMU cortex-a76 (RAM 0x40000000-0xbfffffff).
     */
    @Test
    void a52BitKernelOnA47BitCpuTranslatesItsLinearMapWithThe52BitPageOffset() {
        Vmcoreinfo vi = Vmcoreinfo.parse(String.join("\n", "OSRELEASE=6.12.118+deb12-arm64-16k", "PAGESIZE=16384",
                "SYMBOL(swapper_pg_dir)=ffffeef803b3c000", "SYMBOL(mem_section)=ffffb9a77fee5280",
                "NUMBER(VMALLOC_START)=0xffffc00080000000", "NUMBER(MAX_PHYSMEM_BITS)=48", "NUMBER(VA_BITS)=52",
                "NUMBER(kimage_voffset)=0xffffeef7c1c00000", "NUMBER(PHYS_OFFSET)=0xfff0465940000000",
                "NUMBER(TCR_EL1_T1SZ)=0x11", "") + "\n");
        Arm64AddressSpace space = Arm64AddressSpace.fromVmcoreinfo(vi, pages(java.util.Map.of(), 16384));
        assertEquals(3, space.pagingLevels());
        Translation.Mapped memSection = assertInstanceOf(Translation.Mapped.class, space.translate(0xffffb9a77fee5280L));
        assertEquals(0xbfee5280L, memSection.paddr());
        assertEquals(0xffffb9a77fee5280L, space.linearAddress(0xbfee5280L));
        // Outside the 47 bits the MMU uses: no kernel address at all.
        assertInstanceOf(Translation.Unmapped.class, space.translate(0xfff8000000000000L));
    }

    /**
     * With 52-bit VAs on 4 KiB pages (FEAT_LPA2, TCR_EL1.DS) the walk has five levels and every
     * descriptor carries output-address bits 51:50 in bits 9:8.
     */
    @Test
    void lpa2DescriptorsOfAFiveLevel4KiBWalkGiveA52BitPhysicalAddress() {
        java.util.Map<Long, byte[]> pages = new java.util.HashMap<>();
        long vaddr = 0xfffa_1234_5678_9abcL; // upper half of the 52-bit kernel range: walked, not linear
        long target = 0x000c_0001_2345_6000L; // bits 51:50 set
        long table = 0x10000;
        long root = table;
        for (int level = -1; level <= 3; level++) {
            int shift = 12 + (3 - level) * 9;
            long index = (vaddr >>> shift) & (level == -1 ? 0xf : 0x1ff);
            long next = level == 3 ? target : table + 0x1000;
            long desc = (next & 0x0003_ffff_ffff_f000L) | ((next >>> 50) & 3) << 8 | 1L << 10 | 3;
            byte[] page = pages.computeIfAbsent(table, k -> new byte[4096]);
            java.nio.ByteBuffer.wrap(page).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong((int) index * 8, desc);
            table = next;
        }
        io.crashpipe.parsers.memory.PhysicalMemory physical = pages(pages, 4096);
        long kimageVoffset = 0xfff7_0000_0000_0000L;
        Arm64AddressSpace space = Arm64AddressSpace.builder(physical).pageSize(4096).vaBits(52).builtVaBits(52)
                .maxPhysmemBits(52).kimageVoffset(kimageVoffset).swapperPgDir(root + kimageVoffset).build();
        assertEquals(5, space.pagingLevels());
        Translation.Mapped m = assertInstanceOf(Translation.Mapped.class, space.translate(vaddr));
        assertEquals(target + 0xabc, m.paddr());
    }

    /** Physical memory holding only {@code pages} (page address -> bytes). */
    private static io.crashpipe.parsers.memory.PhysicalMemory pages(java.util.Map<Long, byte[]> pages, int pageSize) {
        return new io.crashpipe.parsers.memory.PhysicalMemory() {
            @Override
            public int pageSize() {
                return pageSize;
            }

            @Override
            public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
                byte[] page = pages.get(paddr & -pageSize);
                if (page == null) {
                    return Unavailable.physical(paddr, paddr / pageSize, Unavailable.Reason.NOT_IN_RAM, "no such page");
                }
                System.arraycopy(page, (int) (paddr & (pageSize - 1)), dst, off, len);
                return ReadResult.OK;
            }
        };
    }
}
