package io.crashpipe.cli.bench;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Harness: reads (and decompresses) every present page of each dump given, several times, and
 * prints MB/s of page data and of file bytes. bench/read-pages.sh runs it next to
 * {@code cat FILE > /dev/null} on the same files.
 */
public final class ReadPagesBenchmark {
    private ReadPagesBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 3);
        System.out.printf("%-40s %10s %12s %12s %12s%n", "file", "pages", "best ms", "page MB/s", "file MB/s");
        for (String a : args) {
            Path p = Path.of(a);
            long best = Long.MAX_VALUE;
            long pages = 0;
            for (int r = 0; r < rounds + 1; r++) { // first round warms the JIT and page cache
                long t0 = System.nanoTime();
                pages = readAll(p);
                long t = System.nanoTime() - t0;
                if (r > 0) {
                    best = Math.min(best, t);
                }
            }
            double secs = best / 1e9;
            System.out.printf(Locale.ROOT, "%-40s %10d %12.1f %12.1f %12.1f%n", p.getParent().getFileName() + "/" + p.getFileName(),
                    pages, best / 1e6, pages * 4096 / 1e6 / secs, Files.size(p) / 1e6 / secs);
        }
    }

    private static long readAll(Path p) throws Exception {
        try (Dump d = Dumps.open(p)) {
            byte[] page = new byte[d.pageSize()];
            long[] n = {0};
            d.forEachPresentPfn(pfn -> {
                if (d.readPage(pfn, page) instanceof Unavailable u) {
                    throw new IllegalStateException(u.describe());
                }
                n[0]++;
            });
            return n[0];
        }
    }
}
