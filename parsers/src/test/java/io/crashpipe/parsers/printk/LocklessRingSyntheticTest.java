package io.crashpipe.parsers.printk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lockless ring's corner cases that the fixtures' short logs never reach, on a synthetic
 * image with the 6.12 layout keys: a tiny ring (4 descriptors, 128 data bytes) that has wrapped,
 * a descriptor already recycled, a data block that did not fit at the end of the ring, a record
 * without data, a merely committed record, dev_info and CPU caller ids.
 */
class LocklessRingSyntheticTest {
    static final long PRB_PTR = 0xffffffff83000000L;
    static final long PRB = 0xffffffff83001000L;
    static final long DESCS = 0xffffffff83002000L;
    static final long INFOS = 0xffffffff83003000L;
    static final long DATA = 0xffffffff83004000L;
    static final long COMMITTED = 1L << 62;
    static final long FINALIZED = 2L << 62;
    static final long REUSABLE = 3L << 62;
    static final long NO_LPOS = 3;

    static final String VMCOREINFO = """
            OSRELEASE=6.12.0
            SYMBOL(prb)=ffffffff83000000
            OFFSET(printk_ringbuffer.desc_ring)=0
            OFFSET(printk_ringbuffer.text_data_ring)=48
            OFFSET(printk_ringbuffer.fail)=80
            OFFSET(prb_desc_ring.count_bits)=0
            OFFSET(prb_desc_ring.descs)=8
            OFFSET(prb_desc_ring.infos)=16
            OFFSET(prb_desc_ring.head_id)=24
            OFFSET(prb_desc_ring.tail_id)=32
            SIZE(prb_desc)=24
            OFFSET(prb_desc.state_var)=0
            OFFSET(prb_desc.text_blk_lpos)=8
            OFFSET(prb_data_blk_lpos.begin)=0
            OFFSET(prb_data_blk_lpos.next)=8
            SIZE(printk_info)=88
            OFFSET(printk_info.seq)=0
            OFFSET(printk_info.ts_nsec)=8
            OFFSET(printk_info.text_len)=16
            OFFSET(printk_info.caller_id)=20
            OFFSET(printk_info.dev_info)=24
            OFFSET(dev_printk_info.subsystem)=0
            LENGTH(printk_info_subsystem)=16
            OFFSET(dev_printk_info.device)=16
            LENGTH(printk_info_device)=48
            OFFSET(prb_data_ring.size_bits)=0
            OFFSET(prb_data_ring.data)=8
            OFFSET(atomic_long_t.counter)=0
            """;

    /** One descriptor and its printk_info, in slot {@code id % 4}. */
    static void record(SparseMemory m, long id, long state, long begin, long next, long seq, long ts, String text,
            int level, int caller, String subsystem, String device) {
        long slot = id & 3;
        m.putLong(DESCS + 24 * slot, state | id).putLong(DESCS + 24 * slot + 8, begin).putLong(DESCS + 24 * slot + 16, next);
        long info = INFOS + 88 * slot;
        m.putLong(info, seq).putLong(info + 8, ts).putShort(info + 16, text.length())
                .put(info + 18, new byte[] {0, (byte) (level << 5)}).putInt(info + 20, caller)
                .put(info + 24, subsystem.getBytes(StandardCharsets.US_ASCII))
                .put(info + 40, device.getBytes(StandardCharsets.US_ASCII));
    }

    /** A data block: the descriptor id, then the text. */
    static void block(SparseMemory m, long offset, long id, String text) {
        m.putLong(DATA + offset, id).put(DATA + offset + 8, text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void syntheticWrappedRingSkipsRecycledAndDatalessRecordsAndReadsTheBlockMovedToTheStart() throws Exception {
        SparseMemory m = new SparseMemory();
        m.putLong(PRB_PTR, PRB)
                .putInt(PRB, 2).putLong(PRB + 8, DESCS).putLong(PRB + 16, INFOS) // count_bits 2
                .putLong(PRB + 24, 8).putLong(PRB + 32, 5) // head_id 8, tail_id 5
                .putInt(PRB + 48, 7).putLong(PRB + 56, DATA) // size_bits 7: 128 bytes
                .putLong(PRB + 80, 2); // fail: two messages never stored
        String moved = "this block did not fit at 104"; // 29 bytes + 8-byte id: 40 after alignment
        // id 5: its slot was already handed back (reusable): lost to overwrite.
        record(m, 5, REUSABLE, 2 * 128 + 64, 2 * 128 + 104, 105, 5_000_000_000L, "gone", 6, 1, "", "");
        // id 6: begins at lpos 2*128+104, only 24 bytes were left, so the block is at offset 0 of the next wrap.
        record(m, 6, FINALIZED, 2 * 128 + 104, 3 * 128 + 40, 106, 6_000_000_000L, moved, 3, 42, "", "");
        block(m, 0, 6, moved);
        // id 7: an empty line, stored without data.
        record(m, 7, FINALIZED, NO_LPOS, NO_LPOS, 107, 7_000_000_000L, "", 6, 42, "", "");
        // id 8: the head, committed but not yet finalized; printed as makedumpfile does.
        record(m, 8, COMMITTED, 3 * 128 + 40, 3 * 128 + 72, 108, 8_000_000_000L, "usb 1-1: new device", 6,
                0x80000001, "usb", "+usb:1-1");
        block(m, 40, 8, "usb 1-1: new device");

        KernelLog log = KernelLogReader.read(m.asVirtual(), Vmcoreinfo.parse(VMCOREINFO));

        assertEquals(LogFormat.LOCKLESS_RING, log.format());
        List<LogRecord> r = log.records();
        assertEquals(List.of(106L, 107L, 108L), r.stream().map(LogRecord::sequence).toList());
        assertEquals(moved, r.get(0).textString());
        assertEquals(3, r.get(0).level());
        assertEquals("T42", r.get(0).caller().orElseThrow());
        assertTrue(r.get(1).dataless());
        assertEquals("C1", r.get(2).caller().orElseThrow());
        assertEquals("usb", r.get(2).subsystem());
        assertEquals("+usb:1-1", r.get(2).device());
        assertEquals(106, log.lostRecords());
        assertEquals(2, log.failedReservations());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MakedumpfileDmesg.write(log, out);
        assertEquals("[    6.000000] " + moved + "\n[    8.000000] usb 1-1: new device\n",
                out.toString(StandardCharsets.US_ASCII));
    }
}
