package io.crashpipe.parsers.printk;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.DATA;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.DESCS;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.FINALIZED;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.INFOS;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.PRB;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.PRB_PTR;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.ByteArrayMemory;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz targets for the printk readers over a synthetic memory: the input is the kernel memory
 * holding the ring (lockless, 5.10+) or the record buffer (3.5-5.9), with the layout keys of
 * the synthetic tests' VMCOREINFO. Every log read is also written as makedumpfile's text.
 */
class PrintkFuzzTest {
    private static final Vmcoreinfo LOCKLESS = Vmcoreinfo.parse(LocklessRingSyntheticTest.VMCOREINFO);
    private static final Vmcoreinfo RECORDS = Vmcoreinfo.parse(
            LegacyLogBuffersSyntheticTest.vmcoreinfo("5.4.0", "printk_log", 24, true));

    @FuzzTest(maxDuration = "10s")
    void locklessRing(byte[] data) {
        expectTypedErrors(() -> write(KernelLogReader.read(new ByteArrayMemory(PRB_PTR, data), LOCKLESS)));
    }

    @FuzzTest(maxDuration = "10s")
    void recordBuffer(byte[] data) {
        // The pointers at LOG_BUF_PTR.., then the buffer itself mapped right after them.
        int split = Math.min(data.length, 32);
        byte[] ptrs = java.util.Arrays.copyOf(data, 32);
        java.nio.ByteBuffer.wrap(ptrs).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(0, LegacyLogBuffersSyntheticTest.BUF);
        byte[] buf = java.util.Arrays.copyOfRange(data, split, data.length);
        io.crashpipe.parsers.kernel.VirtualMemory mem = (vaddr, dst, off, len) -> {
            ByteArrayMemory lo = new ByteArrayMemory(LegacyLogBuffersSyntheticTest.LOG_BUF_PTR, ptrs);
            return vaddr - LegacyLogBuffersSyntheticTest.LOG_BUF_PTR >= 0 && vaddr - LegacyLogBuffersSyntheticTest.LOG_BUF_PTR < 32
                    ? lo.tryRead(vaddr, dst, off, len)
                    : new ByteArrayMemory(LegacyLogBuffersSyntheticTest.BUF, buf).tryRead(vaddr, dst, off, len);
        };
        expectTypedErrors(() -> write(KernelLogReader.read(mem, RECORDS)));
    }

    private static void write(KernelLog log) throws java.io.IOException {
        MakedumpfileDmesg.write(log, OutputStream.nullOutputStream());
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        SparseMemory m = new SparseMemory();
        m.putLong(PRB_PTR, PRB).putInt(PRB, 2).putLong(PRB + 8, DESCS).putLong(PRB + 16, INFOS)
                .putLong(PRB + 24, 8).putLong(PRB + 32, 5).putInt(PRB + 48, 7).putLong(PRB + 56, DATA);
        String[] texts = {"Linux version 6.12.0", "sysrq: Trigger a crash", "Kernel panic - not syncing: sysrq", "CPU: 0 PID: 1"};
        long lpos = 2 * 128;
        for (int i = 0; i < 4; i++) {
            long id = 5 + i;
            int len = (8 + texts[i].length() + 7) & ~7;
            if ((lpos & 127) + len > 128) {
                lpos = (lpos | 127) + 1;
            }
            LocklessRingSyntheticTest.record(m, id, FINALIZED, lpos, lpos + len, 100 + i, 1_000_000L * i, texts[i], 4, 1, "", "");
            LocklessRingSyntheticTest.block(m, lpos & 127, id, texts[i]);
            lpos += len;
        }
        FuzzSeeds.write(PrintkFuzzTest.class, "locklessRing", "wrapped-ring",
                FuzzSeeds.slice(m, PRB_PTR, (int) (DATA + 128 - PRB_PTR)));

        byte[] r1 = LegacyLogBuffersSyntheticTest.record(24, 5_000_000L, 0, 6, 1, "Linux version 5.4.0", "");
        byte[] r2 = LegacyLogBuffersSyntheticTest.record(24, 6_000_000L, 0, 0, 1, "Kernel panic - not syncing: sysrq", "");
        java.nio.ByteBuffer seed = java.nio.ByteBuffer.allocate(32 + 256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        seed.putLong(0, LegacyLogBuffersSyntheticTest.BUF).putInt(8, 256).putInt(16, 0).putInt(20, r1.length + r2.length);
        seed.put(32, r1).put(32 + r1.length, r2);
        FuzzSeeds.write(PrintkFuzzTest.class, "recordBuffer", "two-records", seed.array());
    }
}
