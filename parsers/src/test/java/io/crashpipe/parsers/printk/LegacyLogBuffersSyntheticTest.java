package io.crashpipe.parsers.printk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The two log buffers older than the lockless ring, for which no real dump is in the fixtures:
 * memory images built here from the documented layouts (kernel/printk/printk.c of 3.5 to 5.9 for
 * {@code struct printk_log} / {@code struct log}, and of 2.6/3.x for the character ring).
 */
class LegacyLogBuffersSyntheticTest {
    static final long LOG_BUF_PTR = 0xffffffff82000000L;
    static final long LOG_BUF_LEN = 0xffffffff82000008L;
    static final long FIRST_IDX = 0xffffffff82000010L;
    static final long NEXT_IDX = 0xffffffff82000014L;
    static final long LOG_END = 0xffffffff82000018L;
    static final long BUF = 0xffff888001000000L;
    static final int CALLER_IS_CPU = 0x80000000;

    /**
     * One record: {@code u64 ts_nsec; u16 len; u16 text_len; u16 dict_len; u8 facility;
     * u8 flags:5, level:3; [u32 caller_id]}, text, dictionary, padded to 8 bytes (LOG_ALIGN).
     */
    static byte[] record(int headerSize, long ts, int facility, int level, int caller, String text, String dict) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] d = dict.getBytes(StandardCharsets.ISO_8859_1);
        int len = (headerSize + t.length + d.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, ts).putShort(8, (short) len).putShort(10, (short) t.length).putShort(12, (short) d.length);
        b.put(14, (byte) facility).put(15, (byte) ((level << 5) | 0x03)); // flags LOG_NEWLINE|LOG_PREFIX
        if (headerSize > 16) {
            b.putInt(16, caller);
        }
        b.put(headerSize, t).put(headerSize + t.length, d);
        return b.array();
    }

    static SparseMemory recordBufferImage(int headerSize, int bufLen, int first, int next) {
        return new SparseMemory().putLong(LOG_BUF_PTR, BUF).putInt(LOG_BUF_LEN, bufLen)
                .putInt(FIRST_IDX, first).putInt(NEXT_IDX, next);
    }

    static String vmcoreinfo(String release, String struct, int size, boolean caller) {
        return "OSRELEASE=" + release + "\n"
                + "SYMBOL(log_buf)=" + Long.toHexString(LOG_BUF_PTR) + "\n"
                + "SYMBOL(log_buf_len)=" + Long.toHexString(LOG_BUF_LEN) + "\n"
                + "SYMBOL(log_first_idx)=" + Long.toHexString(FIRST_IDX) + "\n"
                + "SYMBOL(log_next_idx)=" + Long.toHexString(NEXT_IDX) + "\n"
                + "SIZE(" + struct + ")=" + size + "\n"
                + "OFFSET(" + struct + ".ts_nsec)=0\n"
                + "OFFSET(" + struct + ".len)=8\n"
                + "OFFSET(" + struct + ".text_len)=10\n"
                + (caller ? "OFFSET(" + struct + ".caller_id)=16\n" : "");
    }

    static String dmesg(KernelLog log) throws Exception {
        return dmesg(log, MakedumpfileDmesg.CallerIds.OMIT);
    }

    static String dmesg(KernelLog log, MakedumpfileDmesg.CallerIds callerIds) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MakedumpfileDmesg.write(log, out, callerIds);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void syntheticPrintkLogBufferWrapsAtTheZeroLengthMarkerAndKeepsCallerAndDeviceInfo() throws Exception {
        // 256-byte buffer: the oldest two records sit at 128 and 160, a len=0 header at 232 says
        // "continue at 0", where the two newest records are.
        byte[] r1 = record(24, 1_000_001_000L, 0, 6, 123, "old line", "");
        byte[] r2 = record(24, 2_500_000_000L, 0, 6, 45, "usb 1-1: new device", "SUBSYSTEM=usb\0DEVICE=+usb:1-1");
        byte[] r3 = record(24, 3_000_000_000L, 0, 0, CALLER_IS_CPU | 1, "multi\nline", "");
        byte[] r4 = record(24, 12_345_678_999_999L, 3, 4, 7, "caf\u00e9\u0001", "");
        SparseMemory m = recordBufferImage(24, 256, 128, r3.length + r4.length)
                .put(BUF + 128, r1).put(BUF + 128 + r1.length, r2)
                .put(BUF + 232, new byte[24]) // wrap marker: len 0
                .put(BUF, r3).put(BUF + r3.length, r4);
        assertEquals(232, 128 + r1.length + r2.length);

        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(vmcoreinfo("5.4.0", "printk_log", 24, true)));

        assertEquals(LogFormat.RECORD_BUFFER, log.format());
        List<LogRecord> r = log.records();
        assertEquals(List.of("old line", "usb 1-1: new device", "multi\nline", "caf\u00e9\u0001"),
                r.stream().map(x -> new String(x.text(), StandardCharsets.ISO_8859_1)).toList());
        assertEquals(List.of(0L, 1L, 2L, 3L), r.stream().map(LogRecord::sequence).toList());
        assertEquals("usb", r.get(1).subsystem());
        assertEquals("+usb:1-1", r.get(1).device());
        assertEquals("T45", r.get(1).caller().orElseThrow());
        assertEquals("C1", r.get(2).caller().orElseThrow());
        assertEquals(0, r.get(2).level());
        assertEquals(3, r.get(3).facility());
        assertEquals(4, r.get(3).level());
        assertEquals("[    1.000001] old line\n"
                + "[    2.500000] usb 1-1: new device\n"
                + "[    3.000000] multi\n"
                + "               line\n"
                + "[12345.678999] caf\\xffffffe9\\x01\n", dmesg(log)); // makedumpfile 1.7.2
        assertEquals("[    1.000001] [    T123] old line\n"
                + "[    2.500000] [     T45] usb 1-1: new device\n"
                + "[    3.000000] [      C1] multi\n"
                + "                          line\n"
                + "[12345.678999] [      T7] caf\\xffffffe9\\x01\n",
                dmesg(log, MakedumpfileDmesg.CallerIds.PRINT)); // makedumpfile 1.7.5 and later
    }

    @Test
    void syntheticStructLogOfLinux35To310HasNoCallerField() throws Exception {
        byte[] r1 = record(16, 5_000_000L, 0, 5, 0, "first", "");
        byte[] r2 = record(16, 6_000_000L, 1, 7, 0, "second", "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0");
        SparseMemory m = recordBufferImage(16, 4096, 0, r1.length + r2.length).put(BUF, r1).put(BUF + r1.length, r2);

        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(vmcoreinfo("3.10.0", "log", 16, false)));

        assertEquals(2, log.records().size());
        assertEquals(OptionalInt.empty(), log.records().get(0).callerId());
        assertEquals("pci", log.records().get(1).subsystem());
        assertEquals("+pci:0000:00:01.0", log.records().get(1).device());
        assertEquals(1, log.records().get(1).facility());
        assertEquals(7, log.records().get(1).level());
        assertEquals("[    0.005000] first\n[    0.006000] second\n", dmesg(log));
        assertEquals("[    0.005000] first\n[    0.006000] second\n", dmesg(log, MakedumpfileDmesg.CallerIds.PRINT));
    }

    static String charBufferVmcoreinfo(String release) {
        return "OSRELEASE=" + release + "\n"
                + "SYMBOL(log_buf)=" + Long.toHexString(LOG_BUF_PTR) + "\n"
                + "SYMBOL(log_buf_len)=" + Long.toHexString(LOG_BUF_LEN) + "\n"
                + "SYMBOL(log_end)=" + Long.toHexString(LOG_END) + "\n";
    }

    @Test
    void syntheticPre35CharacterRingIsReadOldestFirstAfterWrapping() throws Exception {
        // 64-byte ring; 84 characters were written, so the first 20 were overwritten and the
        // oldest surviving character is at index 84 % 64 = 20.
        String written = "<6>[    0.000000] AA\n<4>[    1.250000] second line\n<0>[    2.000000] panic\n";
        assertEquals(75, written.length());
        String all = "012345678" + written; // 84 characters in total
        byte[] ring = new byte[64];
        for (int i = 0; i < all.length(); i++) {
            ring[i % 64] = (byte) all.charAt(i);
        }
        SparseMemory m = new SparseMemory().putLong(LOG_BUF_PTR, BUF).putInt(LOG_BUF_LEN, 64)
                .putInt(LOG_END, all.length()).putInt(LOG_END + 4, 0x7777) // a neighbour: log_end is 32-bit since 2.6.25
                .put(BUF, ring);

        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(charBufferVmcoreinfo("3.0.101")));

        String survived = all.substring(all.length() - 64);
        assertEquals(LogFormat.CHAR_BUFFER, log.format());
        assertEquals(survived, new String(log.rawText(), StandardCharsets.ISO_8859_1));
        assertEquals(survived, dmesg(log)); // makedumpfile copies this format verbatim
        List<LogRecord> r = log.records();
        assertEquals(List.of("00000] AA", "second line", "panic"),
                r.stream().map(LogRecord::textString).toList()); // the first line lost its head
        assertEquals(4, r.get(0).level());
        assertEquals(4, r.get(1).level());
        assertEquals(1_250_000_000L, r.get(1).timestampNanos());
        assertEquals(0, r.get(2).level());
        assertEquals(2_000_000_000L, r.get(2).timestampNanos());
    }

    @Test
    void syntheticCharacterRingBefore2625HasA64BitLogEnd() throws Exception {
        String text = "<5>hello\n";
        SparseMemory m = new SparseMemory().putLong(LOG_BUF_PTR, BUF).putInt(LOG_BUF_LEN, 4096)
                .putLong(LOG_END, text.length()).put(BUF, text.getBytes(StandardCharsets.US_ASCII));

        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(charBufferVmcoreinfo("2.6.18")));

        assertEquals(text, new String(log.rawText(), StandardCharsets.US_ASCII));
        assertEquals(5, log.records().get(0).level());
        assertEquals("hello", log.records().get(0).textString());
    }
}
