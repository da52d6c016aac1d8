package io.crashpipe.parsers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class VmcoreinfoTest {
    @Test
    void parsesEveryKeyKindOfThe61KdumpNote() throws Exception {
        Vmcoreinfo vi = Vmcoreinfo.parse(Files.readString(
                Fixtures.truth(Fixtures.dir("6.1-kdump-sysrq"), "vmcoreinfo.txt")));
        assertEquals("6.1.0-56-amd64", vi.osrelease().orElseThrow());
        assertEquals(4096, vi.pageSize().getAsLong());
        assertEquals(0xffffffff89610000L, vi.requireSymbol("init_top_pgt"));
        assertEquals(48, vi.requireOffset("printk_ringbuffer", "text_data_ring"));
        assertEquals(88, vi.requireSize("printk_info"));
        assertEquals(48, vi.requireLength("printk_info_device"));
        assertEquals(-129, vi.number("PAGE_BUDDY_MAPCOUNT_VALUE").getAsLong());
        assertEquals(692060160L, vi.number("phys_base").getAsLong());
        assertEquals(0x6c00000L, vi.kernelOffset());
        assertEquals(1795359404L, vi.crashTime().getAsLong());
        assertEquals(new KernelVersion(6, 1, 0), vi.kernelVersion());
    }

    @Test
    void hexNumbersNegativePhysBaseAndMissingCrashtimeOf612() throws Exception {
        Vmcoreinfo vi = Vmcoreinfo.parse(Files.readString(
                Fixtures.truth(Fixtures.dir("6.12-qemu-sysrq"), "vmcoreinfo.txt")));
        assertEquals(0xffffcde8c0000000L, vi.number("VMALLOC_START").getAsLong());
        assertEquals(-463470592L, vi.number("phys_base").getAsLong());
        assertTrue(vi.crashTime().isEmpty());
        assertTrue(vi.kernelVersion().atLeast(6, 12));
    }

    @Test
    void malformedLineNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vmcoreinfo.parse("OSRELEASE=6.1\nSYMBOL(x)=zz\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(MissingVmcoreinfoException.class, () -> Vmcoreinfo.parse("A=1").requireSymbol("prb"));
    }
}
