package io.crashpipe.cli.bench;

import io.crashpipe.parsers.oops.OopsParser;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Harness: concatenates the given kernel logs (repeated until the text has at least
 * {@code -Dmb=64} MB), parses it several times and prints reports/s and MB/s.
 * bench/oops-throughput.sh runs it on the fixture logs and the report corpus.
 */
public final class OopsThroughputBenchmark {
    private OopsThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 3);
        long target = Long.getLong("mb", 64) << 20;
        StringBuilder one = new StringBuilder();
        for (String a : args) {
            one.append(Files.readString(Path.of(a), StandardCharsets.ISO_8859_1)).append('\n');
        }
        StringBuilder all = new StringBuilder();
        while (all.length() < target) {
            all.append(one);
        }
        String log = all.toString();
        OopsParser parser = new OopsParser();
        long best = Long.MAX_VALUE;
        long reports = 0;
        for (int r = 0; r <= rounds; r++) { // round 0 warms the JIT
            long[] n = {0};
            long t0 = System.nanoTime();
            parser.parse(new StringReader(log), rep -> n[0]++);
            long t = System.nanoTime() - t0;
            reports = n[0];
            if (r > 0) {
                best = Math.min(best, t);
            }
        }
        double secs = best / 1e9;
        long lines = log.chars().filter(c -> c == '\n').count();
        System.out.printf(Locale.ROOT, "input: %.1f MB, %d lines, %d reports (%d files concatenated)%n",
                log.length() / 1e6, lines, reports, args.length);
        System.out.printf(Locale.ROOT, "best of %d: %.0f ms  ->  %.0f reports/s, %.1f MB/s, %.0f lines/s%n", rounds,
                best / 1e6, reports / secs, log.length() / 1e6 / secs, lines / secs);
    }
}
