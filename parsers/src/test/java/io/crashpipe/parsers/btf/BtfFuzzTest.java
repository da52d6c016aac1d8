package io.crashpipe.parsers.btf;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Fuzz target for BTF; seeds are slices of a fixture's kernel BTF (header, first types, strings). */
class BtfFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void btf(byte[] data) {
        expectTypedErrors(() -> {
            Btf btf = Btf.parse(data, "fuzz");
            for (int id = 1; id < btf.typeCount() && id < 512; id++) {
                BtfType t = btf.type(id);
                btf.describe(t);
                btf.strip(id);
                expectTypedErrors(() -> btf.sizeOf(t.id()));
            }
            btf.findStruct("task_struct");
            expectTypedErrors(() -> btf.field("task_struct.comm"));
            btf.enumValue("TASK_COMM_LEN");
        });
    }

    /**
     * A slice of the 6.1 fixture's kernel BTF: its header, the longest prefix of its type section
     * under 3 KiB that still parses, and the first 4 KiB of its strings.
     */
    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        try (Dump d = Dumps.open(Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31"))) {
            KernelView view = KernelView.of(d);
            long start = view.kallsyms().address("__start_BTF").getAsLong();
            long stop = view.kallsyms().address("__stop_BTF").getAsLong();
            ByteBuffer blob = ByteBuffer.wrap(view.memory().read(start, (int) (stop - start))).order(ByteOrder.LITTLE_ENDIAN);
            int hdrLen = blob.getInt(4);
            int typeOff = blob.getInt(8);
            int strOff = blob.getInt(16);
            int strLen = Math.min(4096, blob.getInt(20));
            while (strLen > 1 && blob.get(hdrLen + strOff + strLen - 1) != 0) {
                strLen--; // end the slice on a string's NUL
            }
            Exception last = null;
            for (int cut = 3072; cut > 0; cut -= 4) {
                ByteBuffer seed = ByteBuffer.allocate(hdrLen + cut + strLen).order(ByteOrder.LITTLE_ENDIAN);
                seed.put(0, blob, 0, hdrLen).putInt(8, 0).putInt(12, cut).putInt(16, cut).putInt(20, strLen);
                seed.put(hdrLen, blob, hdrLen + typeOff, cut).put(hdrLen + cut, blob, hdrLen + strOff, strLen);
                try {
                    Btf.parse(seed.array(), "seed");
                } catch (Exception e) {
                    last = last == null ? e : last;
                    continue;
                }
                FuzzSeeds.write(getClass(), "btf", "6.1-slice", seed.array());
                return;
            }
            throw new AssertionError("no prefix of the type section parses: " + last, last);
        }
    }
}
