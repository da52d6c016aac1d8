package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void infoJsonReportsOsreleaseAndOneRegisterSetPerPossibleCpuOnEveryFixture() throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            JsonNode truth = Json.MAPPER.readTree(Fixtures.truth(dir, "drgn.json").toFile());
            for (Path variant : Fixtures.variants(dir)) {
                CliRun run = CliRun.of("info", "--json", variant.toString());
                assertEquals(0, run.exitCode(), variant + ": " + run.err());
                JsonNode info = Json.MAPPER.readTree(run.out());
                assertEquals(truth.path("uts").path("release").asText(), info.path("osrelease").asText(), variant.toString());
                assertEquals(truth.path("possible_cpus").size(), info.path("cpus").size(), variant.toString());
            }
        }
    }

    @Test
    void infoAgreesOnDumpedPageDataAcrossKdumpCompressionsOfTheGenuineKdump() throws Exception {
        Path dir = Fixtures.dir("6.1-kdump-sysrq");
        Set<Long> nonZero = new TreeSet<>();
        for (Path variant : Fixtures.variants(dir)) {
            JsonNode info = Json.MAPPER.readTree(CliRun.of("info", "--json", variant.toString()).out());
            if (!info.path("format").asText().equals("elf")) {
                JsonNode pages = info.path("pages");
                nonZero.add(pages.path("dumped").asLong() - pages.path("zero").asLong());
                assertEquals(196475, pages.path("inRam").asLong(), variant.toString());
            }
        }
        assertEquals(Set.of(20081L), nonZero);
    }

    @Test
    void infoTextNamesTheCrashingCpuRipOfTheGenuineKdump() {
        Path zstd = Fixtures.dir("6.1-kdump-sysrq").resolve("vmcore.zstd-d31");
        CliRun run = CliRun.of("info", zstd.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("OSRELEASE: 6.1."), run.out());
        assertTrue(run.out().contains("ffffffff87d741ba"), run.out());
    }

    @Test
    void infoSaysHowKallsymsBtfAndOrcWereFoundAndHowLongItTook() throws Exception {
        // 5.10: VMCOREINFO names no kallsyms tables, the image scan finds them; 7.2: VMCOREINFO names them.
        for (String[] c : new String[][] {{"5.10-qemu-sysrq", "scan"}, {"7.2-qemu-sysrq", "vmcoreinfo"}}) {
            Path dump = Fixtures.dir(c[0]).resolve("vmcore.zlib-d31");
            JsonNode tables = Json.MAPPER.readTree(CliRun.of("info", "--json", dump.toString()).out()).path("tables");
            for (String table : List.of("kallsyms", "btf", "orc")) {
                JsonNode t = tables.path(table);
                assertEquals(c[1], t.path("source").asText(), c[0] + " " + table + ": " + t);
                assertTrue(t.path("millis").asDouble() > 0 && t.path("cpuMillis").isNumber(), t.toString());
            }
            assertTrue(tables.path("btf").path("detail").asText().contains("__start_BTF"), tables.toString());
        }
        CliRun text = CliRun.of("info", Fixtures.dir("5.10-qemu-sysrq").resolve("vmcore.zlib-d31").toString());
        assertTrue(text.out().contains("KALLSYMS: scan, "), text.out());
        assertTrue(text.out().contains("absolute-percpu"), text.out());
        assertTrue(text.out().contains("     BTF: scan, "), text.out());
        assertTrue(text.out().contains("     ORC: scan, "), text.out());
    }

    @Test
    void missingFileIsOneLineAndExitCodeOne() {
        CliRun run = CliRun.of("info", "/nonexistent/vmcore");
        assertEquals(1, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("/nonexistent/vmcore"), run.err());
    }

    @Test
    void notADumpNamesFileOffsetAndWhatWasExpected() throws Exception {
        Path junk = Files.createTempFile("crashpipe-not-a-dump", ".txt");
        try {
            Files.writeString(junk, "this is a text file, not a vmcore\n".repeat(100));
            CliRun run = CliRun.of("info", junk.toString());
            assertEquals(1, run.exitCode());
            String err = run.err();
            assertTrue(err.contains(junk.getFileName().toString()) && err.contains("offset"), err);
            assertTrue(!err.contains("Exception") && !err.contains("\tat "), err);
        } finally {
            Files.delete(junk);
        }
    }

    @Test
    void usageErrorsExitTwoAndHelpListsEverySubcommand() {
        assertEquals(2, CliRun.of("info").exitCode());
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        for (String sub : List.of("info", "rd", "log", "sys", "analyze")) {
            assertTrue(help.out().contains("  " + sub + " "), sub + " missing from\n" + help.out());
        }
    }
}
