package io.crashpipe.parsers.printk;

import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.BUF;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.LOG_BUF_LEN;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.LOG_BUF_PTR;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.LOG_END;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.record;
import static io.crashpipe.parsers.printk.LegacyLogBuffersSyntheticTest.recordBufferImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Damaged record buffers (3.5-5.9) and character rings (before 3.5): a record breaking the
 * buffer's own order or lengths ends the walk and is named in {@link KernelLog#damage()}, and
 * a declared length never sizes an allocation or a walk.
 */
class LegacyLogBufferDamageTest {
    private static final Vmcoreinfo VI = Vmcoreinfo.parse(
            LegacyLogBuffersSyntheticTest.vmcoreinfo("5.4.0", "printk_log", 24, true));

    private static List<String> texts(KernelLog log) {
        return log.records().stream().map(LogRecord::textString).toList();
    }

    /**
     * Fuzz finding (recordBuffer, OutOfMemoryError): a 4 GiB log_buf_len and a wrap marker right
     * after one record made the walk go round the same record until a limit derived from the
     * declared length (178 million records). The walk now wraps once only.
     */
    @Test
    void aSecondWrapIsDamageNotAnEndlessWalkSizedByTheDeclaredLength() {
        byte[] r = record(24, 1_000_000L, 0, 6, 1, "only line", "");
        SparseMemory m = recordBufferImage(24, -1, 0, 0x7fff_0000)
                .put(BUF, r).put(BUF + r.length, new byte[24]); // len 0 right after: back to 0, forever
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertEquals(List.of("only line"), texts(log));
        assertEquals(List.of("record 1 at log_buf index 0x0: len 40 ends outside the 4294967295-byte buffer part"
                + " before log_first_idx (0x0)"), log.damage());
    }

    @Test
    void aRecordWhoseLenDoesNotHoldItsTextEndsTheWalkAndIsNamed() {
        byte[] r1 = record(24, 1_000_000L, 0, 6, 1, "first", "");
        byte[] r2 = record(24, 2_000_000L, 0, 6, 1, "second", "");
        r2[10] = (byte) 200; // text_len 200 in a 32-byte record
        SparseMemory m = recordBufferImage(24, 4096, 0, r1.length + r2.length).put(BUF, r1).put(BUF + r1.length, r2);
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertEquals(List.of("first"), texts(log));
        assertEquals(List.of("record 1 at log_buf index 0x20: len 32 does not hold its 24-byte header, 200-byte text"
                + " and 0-byte dictionary"), log.damage());
        assertTrue(log.incomplete());
    }

    @Test
    void aRecordPastLogFirstIdxAfterTheWrapIsNamed() {
        byte[] r1 = record(24, 1_000_000L, 0, 6, 1, "old", "");
        byte[] r2 = record(24, 2_000_000L, 0, 6, 1, "new", "");
        // first at 64, wrap marker at 96, a record at 0, then a record chaining to 64 and beyond:
        // next (200) is never met, and the walk would go round again.
        r2[8] = (byte) 80;
        SparseMemory m = recordBufferImage(24, 128, 64, 200).put(BUF + 64, r1).put(BUF + 96, new byte[24])
                .put(BUF, r1).put(BUF + 32, r2);
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertEquals(List.of("old", "old"), texts(log));
        assertEquals(List.of("record 2 at log_buf index 0x20: len 80 ends outside the 128-byte buffer part"
                + " before log_first_idx (0x40)"), log.damage());
    }

    @Test
    void aZeroHeaderSizeIsALayoutErrorNotAnIndexError() {
        Vmcoreinfo vi = Vmcoreinfo.parse(LegacyLogBuffersSyntheticTest.vmcoreinfo("5.4.0", "printk_log", 0, false));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelLogReader.read(recordBufferImage(24, 4096, 0, 0).asVirtual(), vi));
        assertEquals("VMCOREINFO's printk layout does not fit: SIZE(printk_log)=0 but a field at offset 0 needs 8 bytes",
                e.getMessage());
    }

    @Test
    void aCharacterRingLengthThatIsNotAPowerOfTwoIsRefusedBeforeAnyAllocation() {
        SparseMemory m = new SparseMemory().putLong(LOG_BUF_PTR, BUF).putInt(LOG_BUF_LEN, 0xfffffff0).putInt(LOG_END, 0x7ffffff0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelLogReader.read(m.asVirtual(),
                Vmcoreinfo.parse(LegacyLogBuffersSyntheticTest.charBufferVmcoreinfo("3.0.101"))));
        assertTrue(e.getMessage().endsWith("is 4294967280, expected a power of two of at most 268435456 bytes"), e.getMessage());
    }

    @Test
    void aTimestampTooLongForAnyUptimeStaysText() {
        String text = "<6>[99999999999999999999.000000] x\n";
        SparseMemory m = new SparseMemory().putLong(LOG_BUF_PTR, BUF).putInt(LOG_BUF_LEN, 4096).putInt(LOG_END, text.length())
                .put(BUF, text.getBytes(StandardCharsets.US_ASCII));
        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(LegacyLogBuffersSyntheticTest.charBufferVmcoreinfo("3.0.101")));
        assertEquals(List.of("[99999999999999999999.000000] x"), texts(log));
    }

    /**
     * Fuzz finding (recordBuffer, NegativeArraySizeException, CI smoke run): before 2.6.25 log_end is
     * an unsigned long; one with its top bit set compared below the buffer length as a signed number
     * and became a negative read length. Unsigned, it is a count that has wrapped the ring.
     */
    @Test
    void aLogEndWithItsTopBitSetIsAWrappedCountNotANegativeLength() {
        String text = "<6>[    1.000000] ring line\n";
        byte[] ring = new byte[4096];
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, ring, 0, t.length);
        SparseMemory m = new SparseMemory().putLong(LOG_BUF_PTR, BUF).putInt(LOG_BUF_LEN, 4096)
                .putLong(LOG_END, 0xffff_ffff_dddd_d000L + t.length).put(BUF, ring);
        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(LegacyLogBuffersSyntheticTest.charBufferVmcoreinfo("2.6.18")));
        // the wrap point falls after the line, so the ring's (zeroed) older part comes first
        assertTrue(String.join("\n", texts(log)).endsWith("ring line"), texts(log).toString().strip());
    }
}
