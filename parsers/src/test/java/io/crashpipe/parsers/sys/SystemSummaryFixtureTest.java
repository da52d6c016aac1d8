package io.crashpipe.parsers.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SystemSummaryFixtureTest {

    static Stream<Arguments> everyVariant() {
        return Fixtures.allDumpDirs().stream()
                .flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    static Map<String, String> read(Path variant) throws Exception {
        try (Dump d = Dumps.open(variant)) {
            KernelView v = KernelView.of(d);
            SystemSummary s = new Extraction(v).require(SystemSummaryExtractor.INSTANCE);
            Map<String, String> m = new LinkedHashMap<>();
            for (CrashSysFormat.Field f : CrashSysFormat.fields(s)) {
                m.put(f.label(), f.value());
            }
            return m;
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void everySysFieldMatchesCrashOrDrgn(Path dir, Path variant) throws Exception {
        Map<String, String> ours = read(variant);
        Path crash = Fixtures.truth(dir, "crash/sys.txt");
        if (Files.exists(crash)) {
            Map<String, String> expected = new LinkedHashMap<>();
            for (String line : Files.readAllLines(crash)) {
                int colon = line.indexOf(": ");
                expected.put(line.substring(0, colon).strip(), line.substring(colon + 2));
            }
            for (String k : new String[] {"CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "NODENAME", "RELEASE",
                    "VERSION", "MACHINE", "MEMORY", "PANIC"}) {
                assertEquals(expected.get(k), ours.get(k), k + " of " + variant);
            }
        } else {
            // crash 8.0.2 cannot open 6.12 dumps: drgn's ground truth covers what it records.
            String drgn = Files.readString(Fixtures.truth(dir, "drgn.json"));
            assertEquals(field(drgn, "nodename"), ours.get("NODENAME"));
            assertEquals(field(drgn, "release"), ours.get("RELEASE"));
            assertEquals(field(drgn, "version"), ours.get("VERSION"));
            assertEquals(true, ours.get("MACHINE").startsWith(field(drgn, "machine") + "  ("), ours.get("MACHINE"));
            assertEquals("\"" + field(drgn, "panic_message") + "\"", ours.get("PANIC"));
            String utc = field(drgn, "xtime_utc");
            assertEquals(utc, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy")
                            .withZone(ZoneOffset.UTC).parse(ours.get("DATE"), java.time.Instant::from)));
            int possible = list(drgn, "possible_cpus");
            int online = list(drgn, "online_cpus");
            assertEquals(possible + (online < possible ? " [OFFLINE: " + (possible - online) + "]" : ""), ours.get("CPUS"));
        }
    }

    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("drgn.json has no " + key);
        }
        return m.group(1);
    }

    private static int list(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new AssertionError("drgn.json has no " + key);
        }
        return m.group(1).isBlank() ? 0 : m.group(1).split(",").length;
    }
}
