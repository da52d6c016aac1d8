package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SysCommandTest {
    static final List<String> CRASH_FIELDS = List.of("CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "NODENAME", "RELEASE",
            "VERSION", "MACHINE", "MEMORY", "PANIC");
    static final List<String> TASK_FIELDS = List.of("TASKS", "PID", "COMMAND", "TASK", "CPU", "STATE");

    static Stream<Arguments> everyVariant() {
        return Fixtures.allDumpDirs().stream()
                .flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    static String line(String text, String field) {
        return text.lines().filter(l -> l.strip().startsWith(field + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + " line in\n" + text));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void sysPrintsCrashsLinesVerbatim(Path dir, Path variant) throws Exception {
        CliRun run = CliRun.of("sys", variant.toString());
        assertEquals(0, run.exitCode(), run.err());
        Path crash = Fixtures.truth(dir, "crash/sys.txt");
        if (Files.exists(crash)) {
            String expected = Files.readString(crash);
            for (String f : CRASH_FIELDS) {
                assertEquals(line(expected, f), line(run.out(), f), variant.toString());
            }
        } else { // crash 8.0.2 cannot open 6.12: drgn's uts, in crash's layout
            JsonNode uts = Json.MAPPER.readTree(Fixtures.truth(dir, "drgn.json").toFile()).path("uts");
            assertEquals("    NODENAME: " + uts.path("nodename").asText(), line(run.out(), "NODENAME"));
            assertEquals("     RELEASE: " + uts.path("release").asText(), line(run.out(), "RELEASE"));
            assertEquals("     VERSION: " + uts.path("version").asText(), line(run.out(), "VERSION"));
        }
        for (String f : TASK_FIELDS) { // until the task table exists: said, not guessed
            assertTrue(line(run.out(), f).contains("not available yet"), line(run.out(), f));
        }
    }

    @Test
    void sysJsonOfTheGenuineKdumpHasCrashsValues() throws Exception {
        Path dir = Fixtures.dir("6.1-kdump-sysrq");
        for (Path variant : Fixtures.variants(dir)) {
            CliRun run = CliRun.of("sys", "--json", variant.toString());
            assertEquals(0, run.exitCode(), run.err());
            JsonNode s = Json.MAPPER.readTree(run.out());
            assertEquals(2, s.path("cpus").asInt());
            assertEquals("2026-11-22T14:56:44Z", s.path("date").asText());
            assertEquals("CRASHTIME", s.path("date_source").asText());
            assertEquals(7, s.path("uptime_seconds").asLong());
            assertEquals("0.16", String.format("%.2f", s.path("load_average").get(0).asDouble()));
            assertEquals("vmcore-lab", s.path("nodename").asText());
            assertEquals("6.1.0-56-amd64", s.path("release").asText());
            assertEquals("x86_64", s.path("machine").asText());
            assertEquals(2596, s.path("cpu_mhz").asInt());
            assertEquals(1, Math.round(s.path("memory_bytes").asLong() / (double) (1 << 30)));
            assertEquals("Kernel panic - not syncing: sysrq triggered crash", s.path("panic").asText());
            assertTrue(s.path("tasks").isNull());
        }
    }
}
