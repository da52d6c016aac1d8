package io.crashpipe.parsers.orc;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kallsyms.LookupOnlyKallsyms;
import io.crashpipe.parsers.testing.ByteArrayMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz target for the ORC tables over a synthetic memory at {@link #BASE}: bytes 0-1 give the
 * entry count n, the ip table (s32 relative) starts at {@code BASE + 0x100}, the 6-byte entries
 * follow it, then an {@code orc_lookup} index whose block count is the u32 at {@code BASE + 8};
 * every ip the table names (and a few beside) is looked up.
 */
class OrcFuzzTest {
    static final long BASE = 0xffffffff81000000L;
    static final int IP_TABLE = 0x100;
    static final long TEXT_END = BASE + 0x10000;

    @FuzzTest(maxDuration = "5s")
    void orc(byte[] data) {
        if (data.length < 2) {
            return;
        }
        Kallsyms symbols = symbols(data);
        ByteArrayMemory mem = new ByteArrayMemory(BASE, data);
        expectTypedErrors(() -> {
            OrcTable t = OrcTable.locate(symbols, mem).orElseThrow();
            for (long ip = BASE; ip < TEXT_END; ip += 0x400) {
                t.find(ip);
                t.find(ip, false);
            }
        });
    }

    /** The symbols locating the tables in an input: the count from bytes 0-1, the tables back to back. */
    private static Kallsyms symbols(byte[] data) {
        int n = ((data[0] & 0xff) | (data[1] & 0xff) << 8) % 4096 + 1;
        long ips = BASE + IP_TABLE;
        long entries = ips + 4L * n;
        long lookup = entries + 6L * n;
        return LookupOnlyKallsyms.of(Map.of("__start_orc_unwind_ip", ips, "__stop_orc_unwind_ip", ips + 4L * n,
                "__start_orc_unwind", entries, "_stext", BASE, "_etext", TEXT_END, "orc_lookup", lookup,
                "lookup_num_blocks", BASE + 8, "entry_SYSCALL_64", BASE + 0x40));
    }

    /** The seeds hold tables the reader accepts, and the index finds the same entries as the binary search. */
    @Test
    void everySeedIsATableWhoseIndexAgreesWithTheBinarySearch() throws Exception {
        Path dir = Path.of("src/test/resources/io/crashpipe/parsers/orc/OrcFuzzTestInputs/orc");
        try (Stream<Path> seeds = Files.list(dir)) {
            for (Path seed : seeds.filter(p -> !p.getFileName().toString().startsWith("crash-")).toList()) {
                byte[] data = Files.readAllBytes(seed);
                OrcTable t = OrcTable.locate(symbols(data), new ByteArrayMemory(BASE, data)).orElseThrow();
                for (long ip = BASE; ip < BASE + 0x800; ip += 0x10) {
                    assertEquals(t.find(ip, false), t.find(ip), seed + " at 0x" + Long.toHexString(ip));
                }
                assertTrue(t.find(BASE + 0x100).isPresent(), seed.toString());
            }
        }
    }

    /**
     * The real ORC entries of 2 KiB of the 6.1 and 6.12
     * fixtures' text from {@code schedule} on, moved to {@link #BASE} with an orc_lookup index
     * rebuilt over them as the kernel's orc_init does (each 256-byte block names the entry that
     * covers its first byte).
     */
    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        for (String fixture : new String[] {"6.1-qemu-sysrq", "6.12-qemu-sysrq"}) {
            try (Dump d = Dumps.open(Fixtures.variants(Fixtures.dir(fixture)).get(0))) {
                KernelView v = KernelView.of(d);
                FuzzSeeds.write(OrcFuzzTest.class, "orc", fixture + "-schedule", realSlice(v, "schedule", 0x800));
            }
        }
    }

    private static byte[] realSlice(KernelView v, String function, int textBytes) {
        long ips = v.kallsyms().address("__start_orc_unwind_ip").getAsLong();
        long stop = v.kallsyms().address("__stop_orc_unwind_ip").getAsLong();
        long entries = v.kallsyms().address("__start_orc_unwind").getAsLong();
        long from = v.kallsyms().address(function).getAsLong();
        java.util.List<Long> picked = new java.util.ArrayList<>();
        int first = -1;
        for (int i = 0; ips + 4L * i < stop; i++) {
            long ip = ips + 4L * i + v.memory().s32(ips + 4L * i);
            if (ip >= from && ip < from + textBytes) {
                first = first < 0 ? i : first;
                picked.add(ip - from);
            } else if (first >= 0) {
                break;
            }
        }
        int n = picked.size();
        int blocks = (int) ((TEXT_END - BASE) >>> 8) + 1;
        ByteBuffer b = ByteBuffer.allocate(IP_TABLE + 10 * n + 4 * blocks).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) (n - 1)).putInt(8, blocks);
        for (int i = 0; i < n; i++) {
            int at = IP_TABLE + 4 * i;
            b.putInt(at, (int) (picked.get(i) - at));
            b.put(IP_TABLE + 4 * n + 6 * i, v.memory().read(entries + 6L * (first + i), 6));
        }
        int covering = 0;
        for (int blk = 0; blk < blocks; blk++) {
            while (covering + 1 < n && picked.get(covering + 1) <= 256L * blk) {
                covering++;
            }
            b.putInt(IP_TABLE + 10 * n + 4 * blk, covering);
        }
        return b.array();
    }
}
