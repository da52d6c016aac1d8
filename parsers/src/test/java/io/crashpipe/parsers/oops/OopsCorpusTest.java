package io.crashpipe.parsers.oops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real-world reports collected from public sources (GitHub issues, mailing-list messages and kernel
 * commit messages quoting an oops: the {@code ml-*} files, their source a {@code code:} id of the
 * searchable archive they were found in), one {@code NAME.log} per report with {@code NAME.expected}
 * (title, type, guilty frame, optionally corrupted) written down before the parser was tuned. The
 * first report of each log is checked. A {@code known-miss} line records a disagreement that was kept
 * rather than tuned away; a {@code revised} line an expectation changed with the conventions.
 */
class OopsCorpusTest {
    static Path corpus() throws URISyntaxException {
        return Path.of(OopsCorpusTest.class.getResource("/oops/corpus").toURI());
    }

    static Map<String, String> expected(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int c = l.indexOf(": ");
            if (c > 0) {
                m.put(l.substring(0, c), l.substring(c + 2).strip());
            } else if (l.endsWith(":")) {
                m.put(l.substring(0, l.length() - 1), "");
            }
        }
        return m;
    }

    static List<Path> logs() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(corpus())) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyReportHasItsExpectedTitleTypeAndFrame() throws Exception {
        OopsParser parser = new OopsParser();
        return logs().stream().map(log -> DynamicTest.dynamicTest(log.getFileName().toString(), () -> {
            String name = log.getFileName().toString().replace(".log", "");
            Map<String, String> exp = expected(log.resolveSibling(name + ".expected"));
            List<CrashReport> reports = parser.parse(Files.readString(log, StandardCharsets.ISO_8859_1));
            assertFalse(reports.isEmpty(), "no report found");
            CrashReport r = reports.get(0);
            if (exp.containsKey("known-miss") && !exp.get("title").equals(r.title())) {
                Assumptions.abort("known miss (" + r.title() + "): " + exp.get("known-miss"));
            }
            assertEquals(exp.get("title"), r.title(), "title");
            assertEquals(exp.get("type"), r.type().label(), "type");
            assertEquals(exp.get("frame"), r.guiltyFrame(), "guilty frame");
            if (exp.containsKey("corrupted")) {
                assertEquals(Boolean.parseBoolean(exp.get("corrupted")), r.corrupted(), "corrupted");
            }
        }));
    }

    @Test
    void corpusCoversThreeHundredReportsAndEveryKind() throws Exception {
        List<Path> logs = logs();
        assertTrue(logs.size() >= 300, "only " + logs.size() + " reports");
        List<String> types = new ArrayList<>();
        for (Path log : logs) {
            types.add(expected(log.resolveSibling(log.getFileName().toString().replace(".log", ".expected"))).get("type"));
        }
        for (ReportType t : ReportType.values()) {
            assertTrue(types.contains(t.label()), "no report of type " + t.label());
        }
    }

    /** Prints the share right, for the record (not an assertion: the per-report tests are). */
    public static void main(String[] args) throws Exception {
        OopsParser parser = new OopsParser();
        int ok = 0;
        int n = 0;
        for (Path log : logs()) {
            n++;
            String name = log.getFileName().toString().replace(".log", "");
            Map<String, String> exp = expected(log.resolveSibling(name + ".expected"));
            List<CrashReport> reports;
            try (InputStream in = Files.newInputStream(log)) {
                reports = parser.parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            String got = reports.isEmpty() ? "<none>" : reports.get(0).title() + " | " + reports.get(0).type().label() + " | "
                    + reports.get(0).guiltyFrame() + " | " + reports.get(0).corrupted();
            String want = exp.get("title") + " | " + exp.get("type") + " | " + exp.get("frame") + " | " + exp.getOrDefault("corrupted", "*");
            boolean good = !reports.isEmpty() && exp.get("title").equals(reports.get(0).title())
                    && exp.get("type").equals(reports.get(0).type().label()) && exp.get("frame").equals(reports.get(0).guiltyFrame())
                    && (!exp.containsKey("corrupted") || Boolean.parseBoolean(exp.get("corrupted")) == reports.get(0).corrupted());
            if (good) {
                ok++;
            } else {
                System.out.println("MISS " + name + "\n   want " + want + "\n   got  " + got);
            }
        }
        System.out.printf("%d/%d right (%.0f%%)%n", ok, n, 100.0 * ok / n);
    }
}
