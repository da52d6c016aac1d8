package io.crashpipe.parsers.dump.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.io.FileByteSource;
import io.crashpipe.parsers.memory.ReadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KdumpRestampTest {
    /** The repository's sample: a genuine kdump of Debian's 6.1 kernel, shrunk (samples/README.md). */
    private static final Path SAMPLE = Path.of("..", "samples", "sample.kdump");

    @Test
    void aRestampedCopyNamesItsNewHostAndTimeAndReadsTheSameMemory(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(SAMPLE), "samples/sample.kdump not found from " + Path.of("").toAbsolutePath());
        Path copy = Files.copy(SAMPLE, tmp.resolve("copy.kdump"));
        Instant when = Instant.parse("2026-12-06T12:34:56.789Z");
        KdumpRestamp.restamp(copy, "storm-host-042", when);

        try (FileByteSource before = new FileByteSource(SAMPLE); FileByteSource after = new FileByteSource(copy)) {
            DiskDumpHeader a = DiskDumpHeader.read(before);
            DiskDumpHeader b = DiskDumpHeader.read(after);
            assertEquals("vmcore-lab", a.utsname().nodename()); // the lab guest the sample comes from
            assertEquals("storm-host-042", b.utsname().nodename());
            assertEquals(when, b.timestamp());
            assertEquals(a.utsname().release(), b.utsname().release());
            assertEquals(a.bitmapBlocks(), b.bitmapBlocks());
            assertEquals(a.nrCpus(), b.nrCpus());
        }
        try (Dump a = Dumps.open(SAMPLE); Dump b = Dumps.open(copy)) {
            assertEquals(a.vmcoreinfo(), b.vmcoreinfo());
            assertEquals(a.countPages().dumped(), b.countPages().dumped());
            List<Long> present = new ArrayList<>();
            a.forEachPresentPfn(present::add);
            byte[] x = new byte[a.pageSize()];
            byte[] y = new byte[a.pageSize()];
            for (long pfn : present) {
                assertEquals(ReadResult.OK, a.readPage(pfn, x));
                assertEquals(ReadResult.OK, b.readPage(pfn, y));
                assertArrayEquals(x, y, "pfn " + pfn);
            }
        }
        // everything past the header is untouched
        byte[] original = Files.readAllBytes(SAMPLE);
        byte[] restamped = Files.readAllBytes(copy);
        assertEquals(original.length, restamped.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(original, DiskDumpHeader.SIZE, original.length),
                java.util.Arrays.copyOfRange(restamped, DiskDumpHeader.SIZE, restamped.length));
    }
}
