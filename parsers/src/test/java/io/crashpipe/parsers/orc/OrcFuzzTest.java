package io.crashpipe.parsers.orc;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kallsyms.LookupOnlyKallsyms;
import io.crashpipe.parsers.testing.ByteArrayMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
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
        int n = ((data[0] & 0xff) | (data[1] & 0xff) << 8) % 4096 + 1;
        long ips = BASE + IP_TABLE;
        long entries = ips + 4L * n;
        long lookup = entries + 6L * n;
        Kallsyms symbols = LookupOnlyKallsyms.of(Map.of("__start_orc_unwind_ip", ips, "__stop_orc_unwind_ip", ips + 4L * n,
                "__start_orc_unwind", entries, "_stext", BASE, "_etext", TEXT_END, "orc_lookup", lookup,
                "lookup_num_blocks", BASE + 8, "entry_SYSCALL_64", BASE + 0x40));
        ByteArrayMemory mem = new ByteArrayMemory(BASE, data);
        expectTypedErrors(() -> {
            OrcTable t = OrcTable.locate(symbols, mem).orElseThrow();
            for (long ip = BASE; ip < TEXT_END; ip += 0x400) {
                t.find(ip);
                t.find(ip, false);
            }
        });
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        int n = 16;
        ByteBuffer b = ByteBuffer.allocate(IP_TABLE + 10 * n + 8 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) (n - 1)).putInt(8, 4);
        for (int i = 0; i < n; i++) {
            int at = IP_TABLE + 4 * i;
            b.putInt(at, i * 0x1000 - at); // ip = BASE + i * 4 KiB
            int e = IP_TABLE + 4 * n + 6 * i;
            // v3 entries: a call frame (sp_reg SP, type CALL), the syscall entry as end of stack
            b.putShort(e, (short) 8).putShort(e + 2, (short) 0).putShort(e + 4, (short) (i == 0 ? 0x0100 : 0x0205));
        }
        for (int k = 0; k < 4; k++) {
            b.putInt(IP_TABLE + 10 * n + 4 * k, Math.min(n - 1, k * 4));
        }
        FuzzSeeds.write(OrcFuzzTest.class, "orc", "sixteen-v3-entries", b.array());
    }
}
