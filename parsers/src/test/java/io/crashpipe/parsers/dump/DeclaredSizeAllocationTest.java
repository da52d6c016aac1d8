package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.testing.ByteArraySource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Sizes and offsets a damaged header declares allocate nothing by themselves: memory follows the
 * bytes that are there. The inputs are fuzz findings (each took 60-700 ms and hundreds of MiB).
 */
class DeclaredSizeAllocationTest {
    private static final Path STREAM = Path.of("src/test/resources/io/crashpipe/parsers/dump/FlattenedStreamFuzzTestInputs/flattenedStream");
    private static final Path FLAT = Path.of("src/test/resources/io/crashpipe/parsers/dump/FlattenedFileFuzzTestInputs/flattenedFile");
    private static final Path KDUMP = Path.of("src/test/resources/io/crashpipe/parsers/dump/KdumpCompressedFuzzTestInputs/kdumpCompressed");
    private static final long BUDGET = 16L << 20;

    @Test
    void aMetadataRecordAtADeclaredOffsetAllocatesOnlyItsOwnPages() throws Exception {
        assertAllocatesLittle(Files.readAllBytes(STREAM.resolve("finding-metadata-record-at-declared-offset")));
    }

    @Test
    void streamBitmapsDeclaredLargerThanMaxMapnrAreReadOnlyAsFarAsMaxMapnr() throws Exception {
        assertAllocatesLittle(Files.readAllBytes(STREAM.resolve("finding-bitmaps-larger-than-max-mapnr")));
    }

    @Test
    void flattenedFileBitmapsDeclaredLargerThanMaxMapnrAreReadOnlyAsFarAsMaxMapnr() throws Exception {
        // Took 0.8 s and ~400 MiB per execution (a 31 s "slow unit" under the fuzzer's load).
        byte[] input = Files.readAllBytes(FLAT.resolve("finding-slow-bitmaps-larger-than-max-mapnr"));
        long before = allocated();
        try {
            ContainerFuzzing.exercise(input);
        } catch (java.io.IOException | IllegalStateException refused) {
            // a clear refusal is fine; the allocation is what is measured
        }
        assertTrue(allocated() - before < BUDGET, (allocated() - before) + " bytes allocated");
    }

    @Test
    void flattenedBitmapsThatNoRecordCarriesAreRefusedBeforeTheyAreAllocated() throws Exception {
        // 9 KiB files whose records leave the bitmaps (max_mapnr 2^37.6) to holes read as zeros: 6 s and
        // hundreds of MiB per execution (10 and 14 s "slow units" under the fuzzer's load).
        for (String n : java.util.List.of("finding-bitmaps-in-holes-1", "finding-bitmaps-in-holes-2")) {
            byte[] input = Files.readAllBytes(FLAT.resolve(n));
            long before = allocated();
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> Dumps.open(new ByteArraySource(n, input)).close());
            assertTrue(e.getMessage().contains("present in the file"), e.getMessage());
            assertTrue(allocated() - before < BUDGET, (allocated() - before) + " bytes allocated");
        }
    }

    @Test
    void kdumpBitmapsDeclaredPastTheEndOfTheFileAreRefusedBeforeTheyAreAllocated() throws Exception {
        byte[] dump = Files.readAllBytes(KDUMP.resolve("6.1-four-pages"));
        ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN).putInt(436, 100_000); // bitmap_blocks: 390 MiB at 4 KiB
        long before = allocated();
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> Dumps.open(new ByteArraySource("cut", dump)).close());
        assertTrue(e.getMessage().contains("bitmaps that end inside the file"), e.getMessage());
        assertTrue(allocated() - before < BUDGET, (allocated() - before) + " bytes allocated");
    }

    private static void assertAllocatesLittle(byte[] input) throws Exception {
        long before = allocated();
        try {
            ContainerFuzzing.stream(input);
        } catch (java.io.IOException refused) {
            // a clear refusal is fine; the allocation is what is measured
        }
        long used = allocated() - before;
        assertTrue(used < BUDGET, used + " bytes allocated for a " + input.length + "-byte stream");
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
