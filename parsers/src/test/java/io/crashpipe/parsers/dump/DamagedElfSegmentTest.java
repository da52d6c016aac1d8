package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.testing.ByteArraySource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ELF vmcores whose PT_LOAD declares far more memory than the file holds. Fuzz finding
 * (elfVmcore, a hang): counting pages and finding the present ones went page by page over the
 * declared memsz, billions of steps for one damaged header. Both are now per segment.
 */
class DamagedElfSegmentTest {

    /** An x86_64 ET_CORE with one PT_LOAD: one page of data at paddr, memsz as given. */
    static byte[] elf(long paddr, long memsz) {
        ByteBuffer b = ByteBuffer.allocate(4096 * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        b.putShort(16, (short) 4).putShort(18, (short) 62).putInt(20, 1).putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 1).putInt(68, 7).putLong(72, 4096).putLong(80, 0xffff888000000000L + paddr).putLong(88, paddr)
                .putLong(96, 4096).putLong(104, memsz).putLong(112, 4096);
        b.put(4096, (byte) 0x5a);
        return b.array();
    }

    @Test
    void aSegmentDeclaringATebibyteIsCountedWithoutVisitingItsPages() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (Dump d = Dumps.open(new ByteArraySource("one-page-of-1TiB", elf(0, 1L << 40)))) {
                assertEquals(new PageCounts(1L << 28, 1, (1L << 28) - 1, 0, 0), d.countPages());
                List<Long> present = new ArrayList<>();
                d.forEachPresentPfn(present::add);
                assertEquals(List.of(0L), present);
                assertEquals(PageState.EXCLUDED, d.pageState(12345));
            }
        });
    }

    @Test
    void aSegmentBeyondThePhysicalAddressSpaceIsRefused() {
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> Dumps.open(new ByteArraySource("beyond-2^52", elf(1L << 51, 1L << 62))).close());
        assertEquals(64, e.offset());
        assertEquals("beyond-2^52: at offset 64 (0x40): expected a PT_LOAD within the 52-bit physical address space,"
                + " found paddr 0x8000000000000 + memsz 0x4000000000000000", e.getMessage());
    }
}
