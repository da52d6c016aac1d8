package io.crashpipe.parsers.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.triage.taint.GetTaintCode;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** tainted_mask's address from get_taint()'s one load, where kallsyms also names the variable. */
class GetTaintCodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"6.1-qemu-sysrq", "5.10-qemu-sysrq", "6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void theLoadInGetTaintIsTheKallsymsAddressOfTaintedMask(String name) throws Exception {
        Path dir = Fixtures.dir(name);
        try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
            KernelView v = KernelView.of(d);
            long getTaint = v.kallsyms().address("get_taint").orElseThrow();
            assertEquals(v.kallsyms().address("tainted_mask"),
                    GetTaintCode.taintedMaskAddress(v.memory(), "x86_64", getTaint));
        }
    }

    /**
     * The arm64 fixture's get_taint (6.1, text-only kallsyms), as rd shows it: patchable-entry
     * mov x9, x30 and nop, adrp x0, then paciasp / autiasp around ldr x0, [x0, #0xc28], ret.
     */
    @Test
    void arm64AdrpAndLdrGiveThePageAndTheOffset() {
        long base = 0xffffd5239fa93f90L;
        int[] words = {0xaa1e03e9, 0xd503201f, 0xb000f740, 0xd503233f, 0xd50323bf, 0xf9461400, 0xd65f03c0, 0xd503201f};
        byte[] code = new byte[32];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(code).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        // adrp at ...f98: immhi:immlo = 0x1ee9 pages on from 0x...f93000; ldr adds 0x185 * 8.
        assertEquals(OptionalLong.of(0xffffd523a197cc28L), GetTaintCode.taintedMaskAddress(
                new io.crashpipe.parsers.testing.ByteArrayMemory(base, code), "aarch64", base));
    }
}
