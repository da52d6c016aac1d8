package io.crashpipe.sink.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLeaseTest {

    @Test
    void aLeftoverProcessOfTheSameHomeIsStoppedAndAStrangerWithAReusedPidIsNot(@TempDir Path home) throws Exception {
        // stand-ins for a node left running: their command lines name the home, as a node's do
        Process leftover = new ProcessBuilder("sh", "-c", "sleep 600", "path.data=" + home.resolve("data")).start();
        Process stranger = new ProcessBuilder("sh", "-c", "sleep 600", "something-else").start();
        try {
            Files.writeString(home.resolve("node.pid"), leftover.pid() + "\n" + stranger.pid() + "\n");
            assertEquals(1, NodeLease.reclaim(home));
            assertTrue(leftover.waitFor(10, TimeUnit.SECONDS), "the leftover is gone");
            assertTrue(stranger.isAlive(), "a process the home does not name is never touched");
            assertFalse(Files.exists(home.resolve("node.pid")));
            assertEquals(0, NodeLease.reclaim(home), "nothing left to reclaim");
        } finally {
            leftover.destroyForcibly();
            stranger.destroyForcibly();
        }
    }

    @Test
    void theGuardStopsItsCommandWhenTheParentsPipeCloses() throws Exception {
        Process guard = new ProcessBuilder(NodeLease.guarded(java.util.List.of("sleep", "600"))).start();
        ProcessHandle sleeper = null;
        for (int i = 0; i < 100 && sleeper == null; i++) {
            Thread.sleep(50);
            sleeper = guard.descendants().filter(h -> h.info().commandLine().orElse("").contains("sleep 600"))
                    .findFirst().orElse(null);
        }
        assertTrue(sleeper != null, "the guarded command runs: " + guard.descendants().map(h -> h.info().toString()).toList());
        Thread.sleep(500);
        assertTrue(sleeper.isAlive(), "the command runs as long as the parent's pipe is open");
        guard.getOutputStream().close(); // what the kernel does when the parent dies, however it dies
        assertTrue(sleeper.onExit().get(10, TimeUnit.SECONDS) != null);
        assertTrue(guard.waitFor(10, TimeUnit.SECONDS));
    }
}
