package io.crashpipe.parsers.oops;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Fuzz target for the oops parser; seeds are the fixtures' kernel logs around the crash. */
class OopsFuzzTest {
    private static final int SEED_BYTES = 3072;

    @FuzzTest(maxDuration = "5s")
    void oopsParser(byte[] data) {
        String log = new String(data, StandardCharsets.UTF_8);
        expectTypedErrors(() -> new OopsParser().parse(log));
    }

    /**
     * The last 3 KiB of each fixture's makedumpfile log: the whole sysrq crash report (about 2 KiB)
     * and the lines before it. The parser holds one report and a few dozen lines of context, so a
     * longer input adds boot chatter, not states, and halves the executions per second.
     */
    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            Path log = Fixtures.truth(dir, "dmesg.makedumpfile.txt");
            if (Files.isRegularFile(log)) {
                byte[] b = Files.readAllBytes(log);
                FuzzSeeds.write(getClass(), "oopsParser", dir.getFileName().toString(),
                        Arrays.copyOfRange(b, Math.max(0, b.length - SEED_BYTES), b.length));
            }
        }
    }
}
