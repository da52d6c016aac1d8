package io.crashpipe.cli.bench.storm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a storm, counted from what Elasticsearch holds for each dump id against what
 * was sent: a dump is <em>lost</em> when it has no report or fewer kernel-log lines than the
 * offline {@code log --json} gives, <em>duplicated</em> when it has more than one report or more
 * lines than that.
 *
 * @param latencies seconds from each dump's first upload attempt to its report and every log line
 *        being searchable, for the dumps that got there
 */
record StormResult(int dumps, int hosts, long reports, int lost, int duplicated, int kills, double[] latencies,
        List<String> lostIds, List<String> duplicatedIds) {

    /** @param expected per dump id: the offline kernel-log line count */
    static StormResult of(Map<String, Integer> expected, int hosts, IndexedCounts.Snapshot indexed, int kills,
            double[] latencies) {
        long reports = expected.keySet().stream().mapToLong(id -> indexed.reports().getOrDefault(id, 0L)).sum();
        List<String> lost = expected.entrySet().stream()
                .filter(e -> indexed.reports().getOrDefault(e.getKey(), 0L) == 0
                        || indexed.logLines().getOrDefault(e.getKey(), 0L) < e.getValue())
                .map(Map.Entry::getKey).sorted().toList();
        List<String> duplicated = expected.entrySet().stream()
                .filter(e -> indexed.reports().getOrDefault(e.getKey(), 0L) > 1
                        || indexed.logLines().getOrDefault(e.getKey(), 0L) > e.getValue())
                .map(Map.Entry::getKey).sorted().toList();
        return new StormResult(expected.size(), hosts, reports, lost.size(), duplicated.size(), kills,
                latencies.clone(), lost, duplicated);
    }

    /** Nearest-rank percentile of the latencies, NaN when no dump got through. */
    double percentile(double p) {
        if (latencies.length == 0) {
            return Double.NaN;
        }
        double[] sorted = latencies.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The closing line, exactly as the issue words it. */
    String line() {
        return String.format(Locale.ROOT,
                "crash-storm: %d dumps from %d hosts, %d reports indexed, %d lost, %d duplicated, %d kills, p50 %.1f s, p99 %.1f s",
                dumps, hosts, reports, lost, duplicated, kills, percentile(50), percentile(99));
    }
}
