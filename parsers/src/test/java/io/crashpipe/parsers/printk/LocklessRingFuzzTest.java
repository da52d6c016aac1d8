package io.crashpipe.parsers.printk;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.DATA;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.DESCS;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.FINALIZED;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.INFOS;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.PRB;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.PRB_PTR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.fuzz.FuzzSegments;
import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz target for the lockless printk ring (5.10+). The input is six {@link FuzzSegments}: the
 * VMCOREINFO text (so the layout keys are fuzzed too: a zero {@code SIZE(printk_info)} or a
 * wrong {@code OFFSET(printk_info.text_len)} once escaped as an internal error), then the
 * pointer {@code prb}, the ring structure, the descriptors, the infos and the data ring, each at
 * the synthetic test's address. Seeds: the last records of a fixture's real log, in a ring of 4
 * descriptors and 512 data bytes laid out with that fixture's own VMCOREINFO keys (6.1 and 6.12,
 * whose printk_info is the synthetic test's 88 bytes; 7.x's is 112).
 */
class LocklessRingFuzzTest {
    static final long[] BASES = {PRB_PTR, PRB, DESCS, INFOS, DATA};
    private static final int RECORDS = 4;
    private static final int SIZE_BITS = 9;
    private static final int MAX_TEXT = 100;

    @FuzzTest(maxDuration = "5s")
    void locklessRing(byte[] data) {
        FuzzSegments s = FuzzSegments.split(data, 0, 1 + BASES.length);
        Vmcoreinfo vi;
        try {
            vi = Vmcoreinfo.parse(new String(s.get(0), StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException refused) {
            return; // parse's documented refusal, a DumpFormatException once a container reports it
        }
        FuzzSegments memory = new FuzzSegments(s.segments().subList(1, s.segments().size()));
        expectTypedErrors(() -> write(KernelLogReader.read(memory.map(BASES), vi)));
    }

    static void write(KernelLog log) throws IOException {
        MakedumpfileDmesg.write(log, OutputStream.nullOutputStream());
        log.damageSummary(8);
    }

    /** Each seed reads back as its fixture's last records, so the fuzzer starts inside the ring walk. */
    @Test
    void everySeedReadsAsTheFixturesLastRecords() throws IOException {
        for (Path seed : seeds()) {
            FuzzSegments s = FuzzSegments.split(Files.readAllBytes(seed), 0, 1 + BASES.length);
            Vmcoreinfo vi = Vmcoreinfo.parse(new String(s.get(0), StandardCharsets.ISO_8859_1));
            KernelLog log = KernelLogReader.read(new FuzzSegments(s.segments().subList(1, 1 + BASES.length)).map(BASES), vi);
            assertEquals(LogFormat.LOCKLESS_RING, log.format(), seed.toString());
            assertEquals(RECORDS, log.records().size(), seed.toString());
            assertEquals(false, log.incomplete(), seed + ": " + log.damageSummary(4));
        }
    }

    private List<Path> seeds() throws IOException {
        Path dir = Path.of("src/test/resources", getClass().getPackageName().replace('.', '/'),
                getClass().getSimpleName() + "Inputs", "locklessRing");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().startsWith("crash-")).toList();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        for (String fixture : new String[] {"6.1-kdump-sysrq", "6.12-qemu-sysrq"}) {
            Path dir = Fixtures.dir(fixture);
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                List<LogRecord> all = KernelLogReader.read(v.memory(), v.vmcoreinfo()).records();
                String vmcoreinfo = Files.readAllLines(Fixtures.truth(dir, "vmcoreinfo.txt")).stream()
                        .filter(l -> l.startsWith("OSRELEASE=") || l.matches("(SIZE|OFFSET|LENGTH)\\((printk|prb|dev_printk|atomic_long).*"))
                        .collect(Collectors.joining("\n", "SYMBOL(prb)=" + Long.toHexString(PRB_PTR) + "\n", "\n"));
                FuzzSeeds.write(getClass(), "locklessRing", fixture + "-last-records",
                        ring(vmcoreinfo, all.subList(all.size() - RECORDS, all.size())));
            }
        }
    }

    /**
     * The records in a ring of {@link #RECORDS} descriptors (ids 8..11 in slots 0..3, all
     * finalized) and 2^{@link #SIZE_BITS} data bytes, on the second wrap of the data ring.
     */
    private static byte[] ring(String vmcoreinfo, List<LogRecord> records) {
        SparseMemory m = new SparseMemory();
        long firstId = 8;
        m.putLong(PRB_PTR, PRB).putInt(PRB, Integer.numberOfTrailingZeros(RECORDS)).putLong(PRB + 8, DESCS)
                .putLong(PRB + 16, INFOS).putLong(PRB + 24, firstId + RECORDS - 1).putLong(PRB + 32, firstId)
                .putInt(PRB + 48, SIZE_BITS).putLong(PRB + 56, DATA);
        int size = 1 << SIZE_BITS;
        long lpos = 2L * size;
        for (int i = 0; i < RECORDS; i++) {
            LogRecord r = records.get(i);
            String text = new String(r.text(), StandardCharsets.ISO_8859_1);
            text = text.substring(0, Math.min(MAX_TEXT, text.length()));
            long id = firstId + i;
            int len = (8 + text.length() + 7) & ~7;
            LocklessRingSyntheticTest.record(m, id, FINALIZED, lpos, lpos + len, r.sequence(), r.timestampNanos(), text,
                    r.level(), r.callerId().orElse(0), r.subsystem(), r.device());
            LocklessRingSyntheticTest.block(m, lpos & (size - 1), id, text);
            lpos += len;
        }
        return FuzzSegments.join(vmcoreinfo.getBytes(StandardCharsets.ISO_8859_1), FuzzSeeds.slice(m, PRB_PTR, 8),
                FuzzSeeds.slice(m, PRB, 88), FuzzSeeds.slice(m, DESCS, 24 * RECORDS),
                FuzzSeeds.slice(m, INFOS, 88 * RECORDS), FuzzSeeds.slice(m, DATA, size));
    }
}
