package io.crashpipe.parsers.kernel;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Fuzz target for the VMCOREINFO text; seeds are the fixtures' notes. */
class VmcoreinfoFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void vmcoreinfo(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        Vmcoreinfo vi;
        try {
            vi = Vmcoreinfo.parse(text);
        } catch (IllegalArgumentException refused) {
            return; // parse's documented refusal, turned into a DumpFormatException by KernelView
        }
        expectTypedErrors(() -> {
            vi.pageSize();
            vi.kernelOffset();
            vi.crashTime();
            vi.kernelVersion();
            vi.osrelease();
        });
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            Path vi = Fixtures.truth(dir, "vmcoreinfo.txt");
            if (Files.isRegularFile(vi)) {
                FuzzSeeds.write(getClass(), "vmcoreinfo", dir.getFileName().toString(), Files.readAllBytes(vi));
            }
        }
    }
}
