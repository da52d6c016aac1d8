package io.crashpipe.parsers.printk;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.BUF;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.LOG_BUF_PTR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.fuzz.FuzzSegments;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz target for the variable-length record buffer (3.5-5.9, {@code struct printk_log} or
 * {@code struct log}). The input is three {@link FuzzSegments}: the VMCOREINFO text, the 32 bytes
 * of log_buf, log_buf_len, log_first_idx, log_next_idx at {@code LOG_BUF_PTR}, and the buffer at
 * {@code BUF}. No fixture has this format (all are 5.10+), so the seeds are synthetic records in
 * the 5.4 ({@code printk_log} with caller ids) and 3.x ({@code log}) layouts.
 */
class RecordBufferFuzzTest {
    static final long[] BASES = {LOG_BUF_PTR, BUF};

    @FuzzTest(maxDuration = "5s")
    void recordBuffer(byte[] data) {
        FuzzSegments s = FuzzSegments.split(data, 0, 1 + BASES.length);
        Vmcoreinfo vi;
        try {
            vi = Vmcoreinfo.parse(new String(s.get(0), StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException refused) {
            return;
        }
        FuzzSegments memory = new FuzzSegments(s.segments().subList(1, s.segments().size()));
        expectTypedErrors(() -> LocklessRingFuzzTest.write(KernelLogReader.read(memory.map(BASES), vi)));
    }

    @Test
    void everySeedReadsBothRecords() throws IOException {
        Path dir = Path.of("src/test/resources", getClass().getPackageName().replace('.', '/'),
                getClass().getSimpleName() + "Inputs", "recordBuffer");
        List<Path> seeds;
        try (Stream<Path> files = Files.list(dir)) {
            seeds = files.filter(p -> !p.getFileName().toString().startsWith("crash-")).toList();
        }
        for (Path seed : seeds) {
            FuzzSegments s = FuzzSegments.split(Files.readAllBytes(seed), 0, 1 + BASES.length);
            KernelLog log = KernelLogReader.read(new FuzzSegments(s.segments().subList(1, 3)).map(BASES),
                    Vmcoreinfo.parse(new String(s.get(0), StandardCharsets.ISO_8859_1)));
            assertEquals(LogFormat.RECORD_BUFFER, log.format(), seed.toString());
            assertEquals("Kernel panic - not syncing: sysrq", log.records().get(1).textString(), seed.toString());
        }
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        FuzzSeeds.write(getClass(), "recordBuffer", "5.4-printk_log", seed("5.4.0", "printk_log", 24, true));
        FuzzSeeds.write(getClass(), "recordBuffer", "3.10-log", seed("3.10.0", "log", 16, false));
    }

    private static byte[] seed(String release, String struct, int header, boolean caller) {
        byte[] r1 = LegacyLogBuffersSyntheticTest.record(header, 5_000_000L, 0, 6, 1, "Linux version " + release, "");
        byte[] r2 = LegacyLogBuffersSyntheticTest.record(header, 6_000_000L, 0, 0, 1, "Kernel panic - not syncing: sysrq",
                "SUBSYSTEM=tty");
        ByteBuffer ptrs = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0, BUF).putInt(8, 256).putInt(16, 0).putInt(20, r1.length + r2.length);
        byte[] buf = ByteBuffer.allocate(256).put(0, r1).put(r1.length, r2).array();
        return FuzzSegments.join(LegacyLogBuffersSyntheticTest.vmcoreinfo(release, struct, header, caller)
                .getBytes(StandardCharsets.ISO_8859_1), ptrs.array(), buf);
    }
}
