package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class SizesTest {
    @Test
    void sizesAsOperatorsWriteThemAreBinaryMultiples() {
        assertEquals(64L << 20, Sizes.parse("64M"));
        assertEquals(64L << 20, Sizes.parse("64MiB"));
        assertEquals(500L << 10, Sizes.parse("500k"));
        assertEquals(3L << 29, Sizes.parse("1.5G"));
        assertEquals(4096, Sizes.parse("4096"));
    }

    @Test
    void aBadSizeIsRefused() {
        assertThrows(TypeConversionException.class, () -> Sizes.parse("lots"));
        assertThrows(TypeConversionException.class, () -> Sizes.parse("-5M"));
    }

    @Test
    void aBadSizeOnTheCommandLineIsAUsageErrorNamingTheOption() {
        CliRun r = CliRun.of("upload", "--bandwidth", "fast", "samples/sample.kdump");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--bandwidth") && r.err().contains("expected a size"), r.err());
    }

    @Test
    void upHelpListsTheTopologyMemoryBoundsAndTheWatchedDirectory() {
        CliRun r = CliRun.of("up", "--help");
        assertEquals(0, r.exitCode());
        for (String o : new String[] {"--watch", "--chunk-cache", "--rocksdb-memory", "--purge-grace", "--stall-timeout",
            "--ingest-only", "--no-hot-pages"}) {
            assertTrue(r.out().contains(o), o + " in " + r.out());
        }
    }
}
