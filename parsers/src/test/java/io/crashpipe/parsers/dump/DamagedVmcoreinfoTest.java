package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.kdump.DiskDumpHeader;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.io.FileByteSource;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.KernelLogReader;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The damaged-dump cases of issue 15 that used to exit 70 or print wrong numbers, built from
 * the 6.1 kdump fixture by patching its VMCOREINFO text (same length, in place) or its
 * sub-header: each now gives a clear error naming the file and what was expected.
 */
class DamagedVmcoreinfoTest {
    @TempDir
    static Path tmp;

    private static byte[] kdump;
    private static int blockSize;

    @BeforeAll
    static void loadFixture() throws IOException {
        Path src = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
        kdump = Files.readAllBytes(src);
        try (FileByteSource s = new FileByteSource(src)) {
            blockSize = DiskDumpHeader.read(s).blockSize();
        }
    }

    /** A copy with one VMCOREINFO line replaced by a text of the same length. */
    private static Path patched(String name, String line, String replacement) throws IOException {
        assertEquals(line.length(), replacement.length(), "same-length patch");
        String text = new String(kdump, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\n" + line + "\n");
        assertTrue(at > 0, line + " not in the fixture's VMCOREINFO");
        byte[] b = kdump.clone();
        System.arraycopy(replacement.getBytes(StandardCharsets.ISO_8859_1), 0, b, at + 1, replacement.length());
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static DumpFormatException viewFails(Path p) throws IOException {
        try (Dump d = Dumps.open(p)) {
            return assertThrows(DumpFormatException.class, () -> KernelView.of(d));
        }
    }

    @Test
    void aPageSizeThatIsNotANumberIsRefusedNamingTheLine() throws IOException {
        DumpFormatException e = viewFails(patched("pagesize-abcd", "PAGESIZE=4096", "PAGESIZE=abcd"));
        assertTrue(e.getMessage().startsWith(tmp.resolve("pagesize-abcd") + ": at offset 0"), e.getMessage());
        assertTrue(e.getMessage().contains("value of PAGESIZE is not a number"), e.getMessage());
        assertTrue(e.getMessage().contains("\"abcd\""), e.getMessage());
    }

    @Test
    void absurdPageSizesAreRefusedInsteadOfGivingNegativeMemorySizes() throws IOException {
        for (String absurd : new String[] {"PAGESIZE=-409", "PAGESIZE=4097", "PAGESIZE=0000", "PAGESIZE=1024"}) {
            DumpFormatException e = viewFails(patched("pagesize-" + absurd.substring(9), "PAGESIZE=4096", absurd));
            assertTrue(e.getMessage().contains("PAGESIZE is " + absurd.substring(9)
                    + ", expected a power of two from 4096 to 1048576"), e.getMessage());
        }
    }

    @Test
    void aZeroPrintkInfoSizeIsAClearLayoutErrorNotAnIndexError() throws IOException {
        Path p = patched("printk-info-size-0", "SIZE(printk_info)=88", "SIZE(printk_info)=0 ");
        try (Dump d = Dumps.open(p)) {
            KernelView view = KernelView.of(d);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> KernelLogReader.read(view.memory(), view.vmcoreinfo()));
            assertEquals("VMCOREINFO's printk layout does not fit: SIZE(printk_info)=0 but a field at offset 0"
                    + " needs 8 bytes", e.getMessage());
        }
    }

    @Test
    void aTextLenOffsetOutsidePrintkInfoIsAClearLayoutError() throws IOException {
        Path p = patched("text-len-99", "OFFSET(printk_info.text_len)=16", "OFFSET(printk_info.text_len)=99");
        try (Dump d = Dumps.open(p)) {
            KernelView view = KernelView.of(d);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> KernelLogReader.read(view.memory(), view.vmcoreinfo()));
            assertEquals("VMCOREINFO's printk layout does not fit: SIZE(printk_info)=88 but a field at offset 99"
                    + " needs 103 bytes", e.getMessage());
        }
    }

    @Test
    void theIntactFixtureLogHasNoDamage() throws IOException {
        try (Dump d = Dumps.open(Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31"))) {
            KernelView view = KernelView.of(d);
            KernelLog log = KernelLogReader.read(view.memory(), view.vmcoreinfo());
            assertFalse(log.incomplete(), log.damage().toString());
            assertTrue(log.records().size() > 100);
        }
    }

    @Test
    void aHugeMaxMapnrIsRefusedBeforeAnyMemorySizeOverflows() throws IOException {
        byte[] b = kdump.clone();
        long maxMapnrAt = blockSize + 96L; // kdump_sub_header.max_mapnr_64 (header version 6+)
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) maxMapnrAt, 1L << 51);
        Path p = tmp.resolve("max-mapnr-2^51");
        Files.write(p, b);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Dumps.open(p).close());
        assertEquals(maxMapnrAt, e.offset());
        assertTrue(e.getMessage().contains("expected max_mapnr of at most 2^52 bytes of 4096-byte pages (1099511627776),"
                + " found 2251799813685248"), e.getMessage());
    }

    /** Fuzz finding (kdumpCompressed): a timestamp past Instant's range escaped as a DateTimeException. */
    @Test
    void aTimestampBeyondAnyDateIsAHeaderError() throws IOException {
        byte[] b = kdump.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(408, Long.MAX_VALUE);
        Path p = tmp.resolve("timestamp");
        Files.write(p, b);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Dumps.open(p).close());
        assertEquals(408, e.offset());
        assertTrue(e.getMessage().endsWith("expected a timestamp (seconds since 1970) that is a date, found "
                + Long.MAX_VALUE), e.getMessage());
    }
}
