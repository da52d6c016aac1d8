package io.crashpipe.parsers.dump;

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

/**
 * What the container fuzz targets ({@link ElfVmcoreFuzzTest}, {@link KdumpCompressedFuzzTest},
 * {@link FlattenedFileFuzzTest}, {@link FlattenedStreamFuzzTest}) do with an input, and their
 * seeds: the first kilobytes of the real fixtures and a small dump rewritten from one.
 */
final class ContainerFuzzing {
    private static final int PAGES_READ = 16;

    private ContainerFuzzing() {}

    /** The forward-only reader: metadata first, then pages as descriptors and data meet. */
    static void stream(byte[] data) throws IOException {
        new FlattenedStreamReader("fuzz", 1 << 20).read(new ByteArrayInputStream(data), new FlattenedStreamReader.Listener() {
            @Override
            public void onMetadata(Dump metadata) {
                metadata.header();
                metadata.vmcoreinfo();
                metadata.cpuRegisters();
            }

            @Override
            public void onPage(long pfn, byte[] page) {}
        });
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

    /** Writes every container target's seeds (run by {@code ElfVmcoreFuzzTest#writeSeeds}). */
    static void writeSeeds() throws Exception {
        Path kdump61 = Fixtures.dir("6.1-kdump-sysrq");
        FuzzSeeds.write(ElfVmcoreFuzzTest.class, "elfVmcore", "elf-6.1-head",
                prefix(Fixtures.unpacked(kdump61.resolve("vmcore.elf-d31.zst")), PREFIX));
        for (Path dir : Fixtures.dumpDirs()) {
            for (Path v : Fixtures.variants(dir)) {
                String n = v.getFileName().toString();
                if (n.contains("flat")) {
                    FuzzSeeds.write(FlattenedFileFuzzTest.class, "flattenedFile", dir.getFileName() + "-head", prefix(v, PREFIX));
                    FuzzSeeds.write(FlattenedStreamFuzzTest.class, "flattenedStream", dir.getFileName() + "-head", prefix(v, PREFIX));
                } else if (!n.contains("elf") && !n.startsWith("dump.") && !n.contains("unfiltered")) {
                    FuzzSeeds.write(KdumpCompressedFuzzTest.class, "kdumpCompressed", dir.getFileName() + "-" + n + "-head", prefix(v, PREFIX));
                }
            }
        }
        // A whole small kdump file: the 6.1 fixture rewritten with its first present pages only,
        // describing no frame past them (the full bitmaps made the seed 78 KB and 80 executions/s).
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
            KdumpWriter.write(d, keep, keep[keep.length - 1] + 1, small); // bitmaps of a few bytes
            FuzzSeeds.write(KdumpCompressedFuzzTest.class, "kdumpCompressed", "6.1-four-pages", Files.readAllBytes(small));
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
