package io.crashpipe.cli.bench.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StormResultTest {

    @Test
    void aDumpIsLostWithoutAReportOrWithMissingLinesAndDuplicatedWithExtraOnes() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("a", 398);
        expected.put("b", 398);
        expected.put("c", 400);
        expected.put("d", 400);
        expected.put("e", 400);
        IndexedCounts.Snapshot indexed = new IndexedCounts.Snapshot(
                Map.of("a", 1L, "b", 1L, "c", 1L, "e", 2L, "other-run", 1L),
                Map.of("a", 398L, "b", 397L, "c", 401L, "d", 400L, "e", 400L));
        StormResult r = StormResult.of(expected, 4, indexed, 4, new double[] {3.0, 1.0, 2.0});
        assertEquals(List.of("b", "d"), r.lostIds(), "b misses a line, d has no report");
        assertEquals(List.of("c", "e"), r.duplicatedIds(), "c has a line twice, e two reports");
        assertEquals("crash-storm: 5 dumps from 4 hosts, 5 reports indexed, 2 lost, 2 duplicated, 4 kills, p50 2.0 s, p99 3.0 s",
                r.line());
    }

    @Test
    void theLineReadsExactlyAsTheIssueWordsItForACleanStorm() {
        Map<String, Integer> expected = Map.of("a", 10, "b", 12);
        IndexedCounts.Snapshot indexed = new IndexedCounts.Snapshot(Map.of("a", 1L, "b", 1L), Map.of("a", 10L, "b", 12L));
        double[] latencies = new double[100];
        for (int i = 0; i < 100; i++) {
            latencies[i] = i + 1;
        }
        assertEquals("crash-storm: 2 dumps from 2 hosts, 2 reports indexed, 0 lost, 0 duplicated, 0 kills, p50 50.0 s, p99 99.0 s",
                StormResult.of(expected, 2, indexed, 0, latencies).line());
    }
}
