package io.crashpipe.parsers.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.arch.x86_64.X86_64;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.unwind.Registers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {

    private static Vmcoreinfo vmcoreinfo(Dump d) {
        return Vmcoreinfo.parse(d.vmcoreinfo().orElseThrow());
    }

    /** meta.json says "arch": "arm64" for the arm64 fixture and nothing for the x86_64 ones. */
    private static boolean arm64(Path dir) throws IOException {
        return Files.readString(dir.resolve("meta.json")).contains("\"arm64\"");
    }

    @Test
    void x86_64IsRecognisedFromVmcoreinfoKeysAloneAndNeverClaimsAnArm64Dump() throws IOException {
        for (Path dir : Fixtures.dumpDirs()) {
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                Vmcoreinfo vi = vmcoreinfo(d);
                if (arm64(dir)) {
                    assertFalse(X86_64.INSTANCE.recognizes(vi), dir.toString());
                } else {
                    assertEquals("x86_64", Architectures.detect(vi).name(), dir.toString());
                }
            }
        }
    }

    @Test
    void theContainersOwnMachineNameWinsOverVmcoreinfo() {
        Vmcoreinfo empty = Vmcoreinfo.parse("OSRELEASE=1.0\n");
        assertEquals(X86_64.INSTANCE, Architectures.detect(empty, Optional.of("x86_64"), OptionalInt.empty()));
        assertEquals(X86_64.INSTANCE, Architectures.detect(empty, Optional.empty(), OptionalInt.of(62)));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Architectures.detect(empty));
        assertTrue(e.getMessage().contains("identify the architecture"), e.getMessage());
    }

    @Test
    void x86_64NoteRegistersGivePcSpAndFpByLayoutNotByName() throws IOException {
        Path dir = Fixtures.dir("6.1-qemu-sysrq");
        try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
            CpuRegisters note = d.cpuRegisters().get(0);
            Registers r = X86_64.INSTANCE.registers().fromNote(note);
            assertEquals(note.rip(), r.pc());
            assertEquals(note.rsp(), r.sp());
            assertEquals(note.rbp(), r.fp());
            assertFalse(r.userMode());
        }
    }
}
