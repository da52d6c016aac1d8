package io.crashpipe.parsers.dump;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.dump.flat.FlattenedStreamReader;
import io.crashpipe.parsers.testing.ByteArraySource;
import io.crashpipe.parsers.dump.kdump.KdumpWriter;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz targets for the dump containers. Seeds (in {@code ContainerFuzzTestInputs/}) are the first
 * kilobytes of the real fixtures and small dumps rewritten from them; {@code mvn verify} replays
 * them, {@code bench/fuzz.sh} fuzzes.
 */
class ContainerFuzzTest {
    private static final int PAGES_READ = 16;

    @FuzzTest(maxDuration = "10s")
    void elfVmcore(byte[] data) {
        expectTypedErrors(() -> exercise(data));
    }

    @FuzzTest(maxDuration = "10s")
    void kdumpCompressed(byte[] data) {
        expectTypedErrors(() -> exercise(data));
    }

    @FuzzTest(maxDuration = "10s")
    void flattenedFile(byte[] data) {
        expectTypedErrors(() -> exercise(data));
    }

    /** The forward-only reader: metadata first, then pages as descriptors and data meet. */
    @FuzzTest(maxDuration = "10s")
    void flattenedStream(byte[] data) {
        expectTypedErrors(() -> new FlattenedStreamReader("fuzz", 1 << 20).read(new ByteArrayInputStream(data),
                new FlattenedStreamReader.Listener() {
                    @Override
                    public void onMetadata(Dump metadata) {
                        metadata.header();
                        metadata.vmcoreinfo();
                        metadata.cpuRegisters();
                    }

                    @Override
                    public void onPage(long pfn, byte[] page) {}
                }));
    }

    /** Everything a command reads from a container before kernel memory: headers, notes, tallies, a few pages. */
    static void exercise(byte[] data) throws IOException {
        try (Dump d = Dumps.open(new ByteArraySource("fuzz", data))) {
            d.header();
            d.notes();
            d.vmcoreinfo();
            d.cpuRegisters();
            d.countPages();
            byte[] page = new byte[d.pageSize()];
            long[] seen = {0};
            try {
                d.forEachPresentPfn(pfn -> {
                    d.pageState(pfn);
                    d.readPage(pfn, page);
                    if (++seen[0] >= PAGES_READ) {
                        throw new Enough();
                    }
                });
            } catch (Enough stop) {
                // read enough pages
            }
            d.readPage(d.maxPfn() + 1, page);
        }
    }

    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    private static final int PREFIX = 12 << 10;

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        Path kdump61 = Fixtures.dir("6.1-kdump-sysrq");
        FuzzSeeds.write(getClass(), "elfVmcore", "elf-6.1-head",
                prefix(Fixtures.unpacked(kdump61.resolve("vmcore.elf-d31.zst")), PREFIX));
        for (Path dir : Fixtures.dumpDirs()) {
            for (Path v : Fixtures.variants(dir)) {
                String n = v.getFileName().toString();
                if (n.contains("flat")) {
                    FuzzSeeds.write(getClass(), "flattenedFile", dir.getFileName() + "-head", prefix(v, PREFIX));
                    FuzzSeeds.write(getClass(), "flattenedStream", dir.getFileName() + "-head", prefix(v, PREFIX));
                } else if (!n.contains("elf") && !n.startsWith("dump.") && !n.contains("unfiltered")) {
                    FuzzSeeds.write(getClass(), "kdumpCompressed", dir.getFileName() + "-" + n + "-head", prefix(v, PREFIX));
                }
            }
        }
        // A whole small kdump file: the 6.1 fixture rewritten with its first present pages only.
        Path small = Files.createTempFile("seed", ".kdump");
        try (Dump d = Dumps.open(kdump61.resolve("vmcore.zstd-d31"))) {
            long[] keep = new long[4];
            int[] k = {0};
            try {
                d.forEachPresentPfn(pfn -> {
                    keep[k[0]++] = pfn;
                    if (k[0] == keep.length) {
                        throw new Enough();
                    }
                });
            } catch (Enough done) {
                // four pages
            }
            KdumpWriter.write(d, keep, small);
            FuzzSeeds.write(getClass(), "kdumpCompressed", "6.1-four-pages", Files.readAllBytes(small));
        } finally {
            Files.deleteIfExists(small);
        }
    }

    private static byte[] prefix(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }
}
