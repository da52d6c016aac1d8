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
        // Debian's arm64 kernel lists text only in kallsyms: tk_core is neither exported nor per-CPU,
        // so DATE is unknown there, with the reason.
        boolean textOnlyKallsyms = dir.getFileName().toString().startsWith("arm64-");
        Path crash = Fixtures.truth(dir, "crash/sys.txt");
        if (Files.exists(crash)) {
            String expected = Files.readString(crash);
            for (String f : CRASH_FIELDS) {
                if (textOnlyKallsyms && f.equals("DATE")) {
                    assertTrue(line(run.out(), f).contains("tk_core"), line(run.out(), f));
                    continue;
                }
                assertEquals(line(expected, f), line(run.out(), f), variant.toString());
            }
        } else { // crash 8.0.2 cannot open 6.12: drgn's uts, in crash's layout
            JsonNode uts = Json.MAPPER.readTree(Fixtures.truth(dir, "drgn.json").toFile()).path("uts");
            assertEquals("    NODENAME: " + uts.path("nodename").asText(), line(run.out(), "NODENAME"));
            assertEquals("     RELEASE: " + uts.path("release").asText(), line(run.out(), "RELEASE"));
            assertEquals("     VERSION: " + uts.path("version").asText(), line(run.out(), "VERSION"));
        }
        // crash 8.0.2 miscounts tasks here (fixtures README): drgn's table is the reference.
        JsonNode drgn = Json.MAPPER.readTree(Fixtures.truth(dir, "drgn.json").toFile());
        if (drgn.has("tasks") && drgn.has("nr_threads")) { // not in every drgn record (arm64, some lab dumps)
            int tasks = drgn.path("nr_threads").asInt() + drgn.path("idle_tasks").size();
            assertEquals("       TASKS: " + tasks, line(run.out(), "TASKS"));
            JsonNode panic = drgn.path("crashed").path("panic_cpu_task");
            assertEquals("         PID: " + panic.path("pid").asInt(), line(run.out(), "PID"));
            assertEquals("     COMMAND: \"" + panic.path("comm").asText() + "\"", line(run.out(), "COMMAND"));
            assertEquals("         CPU: " + drgn.path("panic_cpu").asInt(), line(run.out(), "CPU"));
        }
        for (String f : TASK_FIELDS) {
            assertTrue(!line(run.out(), f).contains("not available"), line(run.out(), f));
        }
        if (textOnlyKallsyms) {
            // panic_cpu is unreadable there: the panic task is the caller the panic line's record names.
            JsonNode panic = drgn.path("crashed").path("panic_cpu_task");
            assertEquals("         PID: " + panic.path("pid").asInt(), line(run.out(), "PID"));
            assertEquals("     COMMAND: \"" + panic.path("comm").asText() + "\"", line(run.out(), "COMMAND"));
            assertEquals("         CPU: " + drgn.path("panic_cpu").asInt(), line(run.out(), "CPU"));
            return;
        }
        Path fromDrgn = Fixtures.truth(dir, "sys-from-drgn.json");
        if (Files.exists(fromDrgn)) { // crash's fields computed by drgn with the debug package (5.10, 7.2)
            JsonNode e = Json.MAPPER.readTree(fromDrgn.toFile());
            for (String f : List.of("DATE", "UPTIME", "LOAD AVERAGE", "MEMORY", "TASKS", "CPUS")) {
                assertEquals(String.format("%12s: %s", f, e.path(f).asText()), line(run.out(), f), variant.toString());
            }
        }
        assertTrue(!run.out().contains("(unknown"), run.out());
    }

    /** 7.2's filtered dump lacks pages ps needs; sys prints every field all the same, as on the unfiltered dump. */
    @Test
    void sysOfAFilteredDumpWithMissingPagesPrintsEveryField() throws Exception {
        Path dir = Fixtures.dir("7.2-qemu-sysrq");
        CliRun filtered = CliRun.of("sys", dir.resolve("vmcore.zlib-d31").toString());
        CliRun whole = CliRun.of("sys", dir.resolve("vmcore.zlib-unfiltered").toString());
        assertEquals(0, filtered.exitCode(), filtered.err());
        assertEquals(whole.out(), filtered.out());
        JsonNode json = Json.MAPPER.readTree(CliRun.of("sys", "--json", dir.resolve("vmcore.zlib-d31").toString()).out());
        assertEquals(0, json.path("unknown").size(), json.toString());
        assertEquals("timekeeper_data[0].timekeeper.xtime_sec", json.path("date_source").asText());
        assertEquals(250, json.path("hz").asInt());
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
            assertEquals(63, s.path("tasks").asInt());
            assertEquals(1, s.path("panic_task").path("pid").asInt());
        }
    }
}
