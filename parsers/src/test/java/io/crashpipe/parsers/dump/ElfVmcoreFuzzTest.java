package io.crashpipe.parsers.dump;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Fuzz target for ELF vmcores (/proc/vmcore, makedumpfile -E, QEMU): headers, notes, segments, the first pages. */
class ElfVmcoreFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void elfVmcore(byte[] data) {
        expectTypedErrors(() -> ContainerFuzzing.exercise(data));
    }

    /** Writes the seeds of all four container targets: {@code -Dcrashpipe.writeFuzzSeeds=true}. */
    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        ContainerFuzzing.writeSeeds();
    }
}
