package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.kdump.DiskDumpHeader;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.io.FileByteSource;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of a real kdump-compressed fixture (and of a real ELF's headers): every
 * damage gets a specific error naming the file and offset, or, for damage to page data,
 * makes just the damaged page unreadable.
 */
class DamagedDumpTest {
    @TempDir
    static Path tmp;

    private static byte[] kdump;
    private static int blockSize;
    private static long bitmapStart;
    private static long descStart;
    private static long firstPfn;
    private static long secondPfn;

    @BeforeAll
    static void loadFixture() throws IOException {
        Path src = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
        kdump = Files.readAllBytes(src);
        try (FileByteSource s = new FileByteSource(src)) {
            DiskDumpHeader h = DiskDumpHeader.read(s);
            blockSize = h.blockSize();
            bitmapStart = (1L + h.subHdrSize()) * blockSize;
            descStart = bitmapStart + h.bitmapBlocks() * blockSize;
        }
        try (Dump d = Dumps.open(src)) {
            List<Long> pfns = new ArrayList<>();
            d.forEachPresentPfn(p -> {
                if (pfns.size() < 2) {
                    pfns.add(p);
                }
            });
            firstPfn = pfns.get(0);
            secondPfn = pfns.get(1);
        }
    }

    private static Path write(String name, byte[] bytes, int len) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, java.util.Arrays.copyOf(bytes, len));
        return p;
    }

    private static DumpFormatException openFails(Path p) {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Dumps.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString() + ": at offset "), e.getMessage());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        return e;
    }

    @Test
    void wrongMagicIsReportedWithTheBytesFound() throws IOException {
        Path p = write("garbage", "this is not a crash dump at all".getBytes(), 31);
        DumpFormatException e = openFails(p);
        assertTrue(e.getMessage().contains("found bytes 7468697320697320"), e.getMessage());
    }

    @Test
    void anEmptyFileIsNotADump() throws IOException {
        assertTrue(openFails(write("empty", new byte[0], 0)).getMessage().contains("an empty file"));
    }

    @Test
    void truncationAtEveryHeaderBoundaryNamesWhatWasCutOff() throws IOException {
        long[] cuts = {8, 100, 463, blockSize, blockSize + 50, bitmapStart, bitmapStart + 100, descStart - 1};
        for (long cut : cuts) {
            openFails(write("cut-" + cut, kdump, (int) cut));
        }
    }

    @Test
    void truncationInsideThePageDataKeepsEarlierPagesReadable() throws IOException {
        Path p = write("cut-data", kdump, kdump.length / 2);
        try (Dump d = Dumps.open(p)) {
            assertInstanceOf(ReadResult.Ok.class, d.readPage(firstPfn, new byte[4096]));
            long[] corrupt = {0};
            d.forEachPresentPfn(pfn -> {
                if (d.readPage(pfn, new byte[4096]) instanceof Unavailable u) {
                    assertEquals(Unavailable.Reason.CORRUPT, u.reason());
                    corrupt[0]++;
                }
            });
            assertTrue(corrupt[0] > 1000, "pages past the cut are unreadable: " + corrupt[0]);
        }
    }

    @Test
    void aDescriptorPointingPastTheEndMakesOnlyThatPageUnreadable() throws IOException {
        byte[] b = kdump.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) descStart, 1L << 40);
        try (Dump d = Dumps.open(write("bad-desc", b, b.length))) {
            Unavailable u = assertInstanceOf(Unavailable.class, d.readPage(firstPfn, new byte[4096]));
            assertEquals(Unavailable.Reason.CORRUPT, u.reason());
            assertEquals(firstPfn, u.pfn());
            assertTrue(u.detail().contains("at offset " + descStart), u.detail());
            assertTrue(u.detail().contains("offset 1099511627776"), u.detail());
            assertInstanceOf(ReadResult.Ok.class, d.readPage(secondPfn, new byte[4096]));
        }
    }

    @Test
    void aPageThatFailsToDecompressIsTheOnlyUnreadablePage() throws IOException {
        byte[] b = kdump.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // Find a compressed page and scribble over its data.
        long pfn = -1;
        int dataAt = -1;
        int idx = 0;
        try (Dump d = Dumps.open(Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31"))) {
            long[] found = {-1, -1};
            int[] i = {0};
            d.forEachPresentPfn(p -> {
                int at = (int) descStart + i[0]++ * 24;
                if (found[0] < 0 && (bb.getInt(at + 12) & 1) != 0) {
                    found[0] = p;
                    found[1] = at;
                }
            });
            pfn = found[0];
            idx = (int) found[1];
        }
        dataAt = (int) bb.getLong(idx);
        int size = bb.getInt(idx + 8);
        for (int k = 2; k < size; k++) {
            b[dataAt + k] = (byte) 0x5a;
        }
        try (Dump d = Dumps.open(write("bad-data", b, b.length))) {
            Unavailable u = assertInstanceOf(Unavailable.class, d.readPage(pfn, new byte[4096]));
            assertEquals(Unavailable.Reason.CORRUPT, u.reason());
            assertTrue(u.detail().contains("zlib"), u.detail());
            assertTrue(u.detail().contains("at offset " + dataAt), u.detail());
            long[] bad = {0};
            d.forEachPresentPfn(p -> {
                if (d.readPage(p, new byte[4096]) instanceof Unavailable) {
                    bad[0]++;
                }
            });
            assertEquals(1, bad[0]);
        }
    }

    @Test
    void absurdHeaderSizesAreRefusedWithoutHugeAllocations() throws IOException {
        record Patch(String name, int at, int value) {}
        List<Patch> patches = List.of(
                new Patch("block-size", 428, 1 << 30),
                new Patch("block-size-not-power-of-two", 428, 5000),
                new Patch("sub-header-blocks", 432, 1 << 28),
                new Patch("bitmap-blocks", 436, 0x7ffffffe),
                new Patch("header-version", 8, 9999));
        for (Patch patch : patches) {
            byte[] b = kdump.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(patch.at(), patch.value());
            DumpFormatException e = openFails(write(patch.name(), b, b.length));
            assertEquals(patch.at(), e.offset(), e.getMessage());
        }
        byte[] b = kdump.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(blockSize + 40, 1L << 40); // size_vmcoreinfo
        assertTrue(openFails(write("vmcoreinfo-size", b, b.length)).getMessage().contains("VMCOREINFO"));
    }

    @Test
    void anIncompleteDumpOpensAndReportsUnwrittenPages() throws IOException {
        byte[] b = kdump.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(424, bb.getInt(424) | DiskDumpHeader.STATUS_INCOMPLETE);
        // A full disk: the tail of the descriptor table and all page data after it are missing.
        int cut = (int) descStart + 24 * 1000;
        try (Dump d = Dumps.open(write("incomplete", b, cut))) {
            assertTrue(d.header().incomplete());
            PageCounts c = d.countPages();
            assertTrue(c.notWritten() > 0, c.toString());
            Unavailable u = assertInstanceOf(Unavailable.class, d.readPage(firstPfn, new byte[4096]));
            assertEquals(Unavailable.Reason.NOT_WRITTEN, u.reason());
            assertEquals(PageState.NOT_WRITTEN, d.pageState(firstPfn));
        }
    }

    @Test
    void elfHeadersThatDoNotFitTheFileAreRefused() throws IOException {
        Path elf = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq")).stream()
                .filter(p -> p.getFileName().toString().contains("elf")).findFirst().orElseThrow();
        byte[] head = new byte[64 * 1024];
        try (RandomAccessFile f = new RandomAccessFile(elf.toFile(), "r")) {
            f.readFully(head);
        }
        openFails(write("elf-cut-header", head, 40));
        openFails(write("elf-cut-phdrs", head, 64 + 56 * 3));
        // Headers and notes intact, page data gone: PT_LOADs point past the end.
        assertTrue(openFails(write("elf-no-data", head, head.length)).getMessage().contains("PT_LOAD"));
        byte[] b = head.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 0xfffe); // e_phnum
        openFails(write("elf-phnum", b, b.length));
    }

    @Test
    void aFlattenedRecordWithAnAbsurdSizeIsRefused() throws IOException {
        Path flat = Fixtures.dir("6.1-kdump-sysrq").resolve("vmcore.flat-zlib-d31");
        byte[] head = new byte[8192];
        try (RandomAccessFile f = new RandomAccessFile(flat.toFile(), "r")) {
            f.readFully(head);
        }
        ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN).putLong(4096 + 8, 1L << 50);
        DumpFormatException e = openFails(write("flat-size", head, head.length));
        assertEquals(4096, e.offset());
    }
}
