package io.crashpipe.parsers.kallsyms;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static io.crashpipe.parsers.kallsyms.KallsymsEncodingsSyntheticTest.KERNEL;
import static io.crashpipe.parsers.kallsyms.KallsymsEncodingsSyntheticTest.TABLES;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.kallsyms.KallsymsEncodingsSyntheticTest.Layout;
import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.ByteArrayMemory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz target for kallsyms decoding over a synthetic memory: byte 0 picks the address layout
 * (absolute, base-relative, absolute-percpu, pc-relative), the rest is the memory holding the
 * tables at the synthetic test's addresses (count, token index and table, names, offsets).
 */
class KallsymsFuzzTest {
    private static final Layout[] LAYOUTS = Layout.values();
    private static final Vmcoreinfo[] VI = new Vmcoreinfo[LAYOUTS.length];

    static {
        for (Layout l : LAYOUTS) {
            VI[l.ordinal()] = Vmcoreinfo.parse(KallsymsEncodingsSyntheticTest.image(new SparseMemory(), KERNEL, l, "6.1.0"));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void kallsyms(byte[] data) {
        if (data.length == 0) {
            return;
        }
        Vmcoreinfo vi = VI[(data[0] & 0xff) % LAYOUTS.length];
        ByteArrayMemory mem = new ByteArrayMemory(TABLES, Arrays.copyOfRange(data, 1, data.length));
        expectTypedErrors(() -> {
            Kallsyms k = KallsymsReader.read(mem, vi);
            for (int i = 0; i < k.size(); i++) {
                k.symbolize(k.get(i).address());
            }
        });
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        for (Layout l : LAYOUTS) {
            SparseMemory m = new SparseMemory();
            KallsymsEncodingsSyntheticTest.image(m, KERNEL, l, "6.1.0");
            int len = (int) (KallsymsEncodingsSyntheticTest.OFFSETS + 8L * KERNEL.size() - TABLES);
            byte[] image = FuzzSeeds.slice(m, TABLES, len);
            byte[] seed = new byte[image.length + 1];
            seed[0] = (byte) l.ordinal();
            System.arraycopy(image, 0, seed, 1, image.length);
            FuzzSeeds.write(KallsymsFuzzTest.class, "kallsyms", l.name().toLowerCase(java.util.Locale.ROOT), seed);
        }
    }
}
