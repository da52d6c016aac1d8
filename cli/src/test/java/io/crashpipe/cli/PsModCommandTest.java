package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PsModCommandTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = CrashpipeCommand.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path kdumpDump() {
        Path dir = Fixtures.dir("6.1-kdump-sysrq");
        return Fixtures.variants(dir).stream().filter(p -> p.getFileName().toString().startsWith("dump.")).findFirst()
                .orElseThrow();
    }

    @Test
    void psJsonHasOneObjectPerTaskWithTheDocumentedKeys() throws Exception {
        Run r = run("ps", "--json", kdumpDump().toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode a = Json.MAPPER.readTree(r.out());
        assertEquals(63, a.size()); // drgn: 61 threads, plus swapper/0 and swapper/1
        for (JsonNode t : a) {
            for (String k : List.of("pid", "ppid", "tgid", "cpu", "task", "state", "comm", "active", "vsz", "rss")) {
                assertTrue(t.has(k), k + " in " + t);
            }
        }
        JsonNode init = a.get(2);
        assertEquals(1, init.get("pid").asInt());
        assertEquals("0xffff8ac441200000", init.get("task").asText());
        assertTrue(init.get("active").asBoolean());
        assertEquals(2260, init.get("vsz").asInt());
        assertEquals(76, init.get("rss").asInt());
    }

    @Test
    void modPrintsCrashsColumnsUpToSize() throws Exception {
        Run r = run("mod", kdumpDump().toString());
        assertEquals(0, r.exit(), r.err());
        List<String> crash = Files.readAllLines(Fixtures.truth(Fixtures.dir("6.1-kdump-sysrq"), "crash/mod.txt"));
        assertEquals(crash.get(1).substring(0, r.out().lines().toList().get(1).length()), r.out().lines().toList().get(1));
    }

    /**
     * 7.2's filtered dump lacks the mm_struct page of two tasks: ps still prints every row, those
     * two with '?' for VSZ, RSS and %MEM, and says which page is missing; --json names the fields.
     */
    @Test
    void psOfAFilteredDumpKeepsEveryRowAndMarksWhatIsMissing() throws Exception {
        Path dir = Fixtures.dir("7.2-qemu-sysrq");
        Run filtered = run("ps", dir.resolve("vmcore.zlib-d31").toString());
        Run whole = run("ps", dir.resolve("vmcore.zlib-unfiltered").toString());
        assertEquals(0, filtered.exit(), filtered.err());
        List<String> rows = filtered.out().lines().filter(l -> !l.startsWith("ps: ")).toList();
        assertEquals(whole.out().lines().toList().size(), rows.size());
        assertTrue(rows.stream().anyMatch(l -> l.matches(".* 135 +1 +1 +ffff8d89c2912300  RU +\\? +\\? +\\?  init")),
                filtered.out());
        assertTrue(filtered.out().contains("ps: task ffff8d89c2912300 (PID 135): rss, vsz unknown: virtual address"
                + " 0xffff8d89c29212c0 (pfn 0x2921): excluded"), filtered.out());
        JsonNode a = Json.MAPPER.readTree(run("ps", "--json", dir.resolve("vmcore.zlib-d31").toString()).out());
        JsonNode t135 = null;
        for (JsonNode t : a) {
            if (t.get("pid").asInt() == 135) {
                t135 = t;
            }
        }
        assertTrue(t135.path("unknown").path("rss").asText().contains("excluded"), t135.toString());
    }

    @Test
    void sysPrintsThePanicTask() {
        Run r = run("sys", kdumpDump().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("       TASKS: 63\n"), r.out());
        assertTrue(r.out().contains("         PID: 1\n     COMMAND: \"init\"\n"), r.out());
    }
}
