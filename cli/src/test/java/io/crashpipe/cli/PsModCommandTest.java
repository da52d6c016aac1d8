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
        CommandLine cl = CrashpipeCommand.commandLine();
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

    @Test
    void sysPrintsThePanicTask() {
        Run r = run("sys", kdumpDump().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("       TASKS: 63\n"), r.out());
        assertTrue(r.out().contains("         PID: 1\n     COMMAND: \"init\"\n"), r.out());
    }
}
