package io.crashpipe.cli.bench;

import java.util.Arrays;

/** Durations of repeated runs, in nanoseconds, summarised by median and 99th percentile. */
record Samples(long[] nanos) {

    static Samples of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Samples(sorted);
    }

    int count() {
        return nanos.length;
    }

    double medianMs() {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        int mid = nanos.length / 2;
        double m = nanos.length % 2 == 1 ? nanos[mid] : (nanos[mid - 1] + nanos[mid]) / 2.0;
        return m / 1e6;
    }

    /** Nearest-rank 99th percentile: with 50 runs, the slowest but none. */
    double p99Ms() {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(0.99 * nanos.length);
        return nanos[Math.max(0, rank - 1)] / 1e6;
    }
}
