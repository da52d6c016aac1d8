package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crashpipe.parsers.triage.dis.ObjdumpDisassembler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * analyze's fault section on a dump that has an exception frame: the lab's lkdtm EXCEPTION crash
 * on 6.1 (a NULL write in module code, {@code lab.crash=lkdtm:EXCEPTION}), made with
 * {@code /work/shared/lab} under {@code $LAB_DATA/dumps/6.1-smp2-512M-lkdtm-EXCEPTION}; skipped
 * where that dump was not made. The expected lines are crash 8.0.2's on the same dump (with the
 * -dbg vmlinux): {@code sys -t} and {@code dis -r ffffffffc03af4a5}, the bt's exception RIP.
 */
class FaultingInstructionLabTest {
    private static final String CRASH_DIS_R = "0xffffffffc03af4a0 <lkdtm_EXCEPTION>:\tnopl   0x0(%rax,%rax,1) [FTRACE NOP]\n"
            + "0xffffffffc03af4a5 <lkdtm_EXCEPTION+5>:\tmovl   $0x0,0x0\n";
    private static final String CRASH_SYS_T = "TAINTED_MASK: 3080  DOE\n";

    private static Path dump() {
        String lab = System.getProperty("crashpipe.labData", System.getenv("LAB_DATA"));
        assumeTrue(lab != null, "LAB_DATA is not set (the lab's dump folder)");
        Path d = Path.of(lab, "dumps", "6.1-smp2-512M-lkdtm-EXCEPTION", "vmcore.kdump-zlib");
        assumeTrue(Files.exists(d), d + " was not made (lab: 6.1, lkdtm:EXCEPTION)");
        assumeTrue(ObjdumpDisassembler.onPath().available(), "objdump (GNU binutils) is not installed");
        return d;
    }

    @Test
    void disUpToTheExceptionRipInModuleTextEqualsCrash() {
        CliRun r = CliRun.of("dis", "-r", dump().toString(), "ffffffffc03af4a5");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(CRASH_DIS_R, r.out());
    }

    @Test
    void analyzeShowsTheFaultingNullWriteAndTheTaint() {
        CliRun r = CliRun.of("analyze", dump().toString());
        assertEquals(0, r.exitCode(), r.err());
        // crash prints the mask and letters only; the flag names below that line are ours.
        assertTrue(r.out().contains(CRASH_SYS_T + "  D  TAINT_DIE                bit 7\n"), r.out());
        assertTrue(r.out().contains("FAULTING INSTRUCTION: " + CRASH_DIS_R.lines().toList().get(1) + "\n"), r.out());
    }
}
