package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BtCommandTest {

    private static Path kdump() {
        return Fixtures.dir("6.1-kdump-sysrq").resolve("vmcore.zstd-d31");
    }

    @Test
    void sleepingKthreaddUnwindsFromItsSwitchFrameToRetFromFork() {
        CliRun run = CliRun.of("bt", kdump().toString(), "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("PID: 2 "), run.out());
        assertTrue(run.out().contains("__schedule"), run.out());
        assertTrue(run.out().contains("ret_from_fork"), run.out());
    }

    @Test
    void btAllJsonHasOneTraceWithFramesPerCpu() throws Exception {
        CliRun run = CliRun.of("bt", "-a", "--json", kdump().toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode a = Json.MAPPER.readTree(run.out());
        assertEquals(2, a.size());
        for (JsonNode t : a) {
            assertTrue(t.path("frames").size() > 0, t.toString());
            assertTrue(t.has("pid") && t.has("comm") && t.has("task"), t.toString());
        }
    }

    @Test
    void unknownPidIsAOneLineError() {
        CliRun run = CliRun.of("bt", kdump().toString(), "999999");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("999999"), run.err());
    }
}
