package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crashpipe oops}: JSON shape on a real fixture log, and {@code []} for a log without reports. */
class OopsCommandTest {
    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(p);
            // A fresh command each time: the registered instances keep option values between executions.
            int code = new picocli.CommandLine(new OopsCommand()).execute(args);
            assertEquals(0, code);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonOfTheFixtureLogHasTheSysrqPanic() throws Exception {
        Path dmesg = Fixtures.truth(Fixtures.dumpDirs().get(0), "dmesg.makedumpfile.txt");
        JsonNode a = Json.MAPPER.readTree(run("--json", dmesg.toString()));
        assertEquals(1, a.size());
        JsonNode r = a.get(0);
        assertEquals("kernel panic: sysrq triggered crash", r.get("title").asText());
        assertEquals("panic", r.get("type").asText());
        assertEquals("sysrq_handle_crash", r.get("frame").asText());
        assertEquals(32, r.get("signature").asText().length());
        assertTrue(!r.get("corrupted").asBoolean());
        assertTrue(r.get("frames").size() > 5);
        // The trace starts in the stack dumper panic() calls: dump_stack_lvl since 5.13, dump_stack before.
        assertTrue(r.get("frames").get(0).get("function").asText().matches("panic|dump_stack(_lvl)?"),
                r.get("frames").get(0).toString());
    }

    @Test
    void aLogWithoutCrashReportsPrintsAnEmptyArray(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("dmesg.txt");
        Files.writeString(log, "[    0.000000] Linux version 6.1.0\n[    1.000000] Freeing unused kernel memory\n");
        assertEquals("[ ]", run("--json", log.toString()).strip());
    }
}
