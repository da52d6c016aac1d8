package io.crashpipe.parsers.oops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernel logs of the real fixture dumps: every one was crashed with sysrq 'c', which on these
 * kernels (6.1, 6.12) panics directly in sysrq_handle_crash ("Kernel panic - not syncing: sysrq
 * triggered crash") instead of writing through a NULL pointer as older kernels did.
 */
class FixtureLogOopsTest {
    @Test
    void sysrqCrashIsOnePanicReportNamingSysrqHandleCrash() throws Exception {
        Set<String> signatures = new HashSet<>();
        for (Path dir : Fixtures.dumpDirs()) {
            if (Files.readString(dir.resolve("meta.json")).contains("\"arm64\"")) {
                continue; // x86_64 report details below (RIP, ORIG_RAX, Code:); arm64 is checked apart
            }
            Path dmesg = Fixtures.truth(dir, "dmesg.makedumpfile.txt");
            List<CrashReport> reports = new OopsParser().parse(Files.readString(dmesg, StandardCharsets.ISO_8859_1));
            assertEquals(1, reports.size(), dir + ": " + reports);
            CrashReport r = reports.get(0);
            assertEquals("kernel panic: sysrq triggered crash", r.title(), dir.toString());
            assertEquals(ReportType.PANIC, r.type());
            assertEquals("sysrq_handle_crash", r.guiltyFrame());
            assertEquals("sysrq triggered crash", r.panic());
            assertFalse(r.corrupted());
            assertEquals(1, r.header().orElseThrow().pid());
            assertEquals("init", r.header().orElseThrow().comm());
            assertFalse(r.header().orElseThrow().taint().tainted());
            assertTrue(r.hardware().startsWith("QEMU Standard PC (i440FX + PIIX, 1996)"));
            assertEquals("", r.rip(), "the RIP printed is the user-space one");
            assertEquals("0000000000000001", r.registers().get("ORIG_RAX"));
            assertEquals(0x48, r.code().orElseThrow().bytes()[r.code().orElseThrow().faultOffset()]);
            Frame crash = r.frames().stream().filter(f -> f.function().equals("sysrq_handle_crash")).findFirst().orElseThrow();
            assertTrue(crash.reliable());
            // 5.10 prints its Call Trace without the <TASK> markers later kernels add.
            boolean marked = Files.readString(dmesg, StandardCharsets.ISO_8859_1).contains("<TASK>");
            assertEquals(marked ? FrameSection.TASK : FrameSection.UNMARKED, crash.section());
            assertEquals(0x20, crash.size());
            // Every trace has stale "?" frames (printk, _printk since 5.15; 7.2's is from the syscall path).
            assertTrue(r.frames().stream().anyMatch(f -> !f.reliable()), dir.toString());
            assertTrue(r.frames().stream().filter(f -> !f.reliable()).noneMatch(f -> f.function().equals(r.guiltyFrame())));
            signatures.add(r.signature());
        }
        assertEquals(1, signatures.size(), "same bug on 6.1 and 6.12, KASLR on: one signature");
    }
}
