package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentHostTest {
    @TempDir
    Path dir;

    @Test
    void aPodNamesTheNodeItWasGivenAndTheHostsMachineId() throws IOException {
        Path id = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        AgentHost h = AgentHost.of(Optional.of("node-7"), id);
        assertEquals("node-7", h.hostname());
        assertEquals(Optional.of("0123456789abcdef0123456789abcdef"), h.machineId());
    }

    @Test
    void withoutANodeNameTheLocalHostnameIsUsedAndAMissingMachineIdIsUnknown() {
        AgentHost h = AgentHost.of(Optional.of("  "), dir.resolve("absent"));
        assertFalse(h.hostname().isBlank());
        assertEquals(Optional.empty(), h.machineId());
    }
}
