package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.crashpipe.schemas.events.DumpLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpFinderTest {
    private static Path file(Path p, boolean old) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        if (old) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        return p;
    }

    @Test
    void findsFinishedKdumpToolsAndRhelDumpsWithTheirDmesg(@TempDir Path crash) throws IOException {
        Path deb = file(crash.resolve("202611221456/dump.202611221456"), true);
        Path debDmesg = file(crash.resolve("202611221456/dmesg.202611221456"), true);
        Path rhel = file(crash.resolve("127.0.0.1-2026-11-22-14:56:03/vmcore"), true);
        Path rhelDmesg = file(crash.resolve("127.0.0.1-2026-11-22-14:56:03/vmcore-dmesg.txt"), true);
        List<FoundDump> found = new DumpFinder(Duration.ofSeconds(60)).find(crash);
        assertEquals(List.of(
                new FoundDump(rhel, java.util.Optional.of(rhelDmesg), DumpLayout.RHEL),
                new FoundDump(deb, java.util.Optional.of(debDmesg), DumpLayout.KDUMP_TOOLS)), found);
    }

    @Test
    void skipsDumpsStillBeingWritten(@TempDir Path crash) throws IOException {
        file(crash.resolve("202611221500/dump-incomplete"), true);
        file(crash.resolve("127.0.0.1-2026-11-22-15:00:00/vmcore-incomplete"), true);
        file(crash.resolve("202611221501/dump.202611221501"), false); // modified just now
        file(crash.resolve("unrelated/vmcore"), true);
        assertTrue(new DumpFinder(Duration.ofSeconds(60)).find(crash).isEmpty());
    }
}
