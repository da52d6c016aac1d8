package io.crashpipe.parsers.printk;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.CString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads the lockless printk ring buffer (kernel/printk/printk_ringbuffer.c, Linux 5.10+) through
 * the layout keys VMCOREINFO publishes: {@code prb} points to a {@code printk_ringbuffer} whose
 * descriptor ring holds {@code 2^count_bits} descriptors (state + text block position) and
 * parallel {@code printk_info}s, and whose text data ring holds the message blocks, each
 * prefixed by its descriptor id. Records are walked from {@code tail_id} to {@code head_id}.
 *
 * <p>Two {@code printk_info} fields have no VMCOREINFO key: {@code facility} (u8) and the byte
 * holding {@code flags:5, level:3} directly follow {@code text_len} (u16). That layout has not
 * changed since the structure was introduced in 5.10.
 */
public final class LocklessRingReader {
    private static final int STATE_SHIFT = 62;
    private static final long ID_MASK = ~(3L << STATE_SHIFT);
    private static final int COMMITTED = 1;
    private static final int FINALIZED = 2;

    private final VirtualMemory mem;
    private final Vmcoreinfo vi;
    private final List<String> damage = new ArrayList<>();

    private LocklessRingReader(VirtualMemory mem, Vmcoreinfo vi) {
        this.mem = mem;
        this.vi = vi;
    }

    public static boolean applies(Vmcoreinfo vi) {
        return vi.symbol("prb").isPresent();
    }

    public static KernelLog read(VirtualMemory mem, Vmcoreinfo vi) {
        return new LocklessRingReader(mem, vi).read();
    }

    private long counter(long addr) {
        return mem.u64(addr + vi.offset("atomic_long_t", "counter").orElse(0));
    }

    private KernelLog read() {
        long prb = mem.u64(vi.requireSymbol("prb"));
        long descRing = prb + vi.requireOffset("printk_ringbuffer", "desc_ring");
        long textRing = prb + vi.requireOffset("printk_ringbuffer", "text_data_ring");
        int countBits = (int) mem.u32(descRing + vi.requireOffset("prb_desc_ring", "count_bits"));
        long descs = mem.u64(descRing + vi.requireOffset("prb_desc_ring", "descs"));
        long infos = mem.u64(descRing + vi.requireOffset("prb_desc_ring", "infos"));
        long headId = counter(descRing + vi.requireOffset("prb_desc_ring", "head_id"));
        long tailId = counter(descRing + vi.requireOffset("prb_desc_ring", "tail_id"));
        int sizeBits = (int) mem.u32(textRing + vi.requireOffset("prb_data_ring", "size_bits"));
        long data = mem.u64(textRing + vi.requireOffset("prb_data_ring", "data"));
        long fail = vi.offset("printk_ringbuffer", "fail").isPresent()
                ? counter(prb + vi.requireOffset("printk_ringbuffer", "fail")) : 0;
        if (countBits <= 0 || countBits > 30 || sizeBits <= 0 || sizeBits > 40) {
            throw new IllegalStateException("printk ring buffer at 0x" + Long.toHexString(prb)
                    + " has implausible sizes: count_bits " + countBits + ", size_bits " + sizeBits);
        }
        Layout l = new Layout(vi, 1L << countBits, sizeBits, descs, infos, data);
        l.check();
        long span = (headId - tailId) & ID_MASK;
        if (span >= l.count) {
            damage.add("head id " + headId + " and tail id " + tailId + " are " + span
                    + " apart, more than the ring's " + l.count + " descriptors");
        }
        List<LogRecord> records = new ArrayList<>();
        long id = tailId;
        for (long n = 0; n <= l.count; n++) { // at most one pass over the ring
            LogRecord r = record(l, id);
            if (r != null) {
                if (!records.isEmpty() && Long.compareUnsigned(r.sequence(), records.getLast().sequence()) <= 0) {
                    damage.add("descriptor id " + id + ": sequence " + r.sequence() + " does not follow "
                            + records.getLast().sequence());
                }
                records.add(r);
            }
            if (id == headId) {
                break;
            }
            id = (id + 1) & ID_MASK;
        }
        if (records.isEmpty() && damage.isEmpty()) {
            damage.add("no committed record between tail id " + tailId + " and head id " + headId);
        }
        return new KernelLog(LogFormat.LOCKLESS_RING, List.copyOf(records), new byte[0], lost(records), fail, damage);
    }

    static long lost(List<LogRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        long lost = records.get(0).sequence();
        for (int i = 1; i < records.size(); i++) {
            long gap = records.get(i).sequence() - records.get(i - 1).sequence() - 1;
            lost += Math.max(0, gap);
        }
        return lost;
    }

    /** Offsets and sizes of one dump's ring, resolved once. */
    private record Layout(long count, int sizeBits, long descs, long infos, long data, long descSize,
            long stateVar, long blkBegin, long blkNext, long infoSize, long seq, long tsNsec, long textLen,
            long callerId, long devInfo, long subsystem, int subsystemLen, long device, int deviceLen) {
        Layout(Vmcoreinfo vi, long count, int sizeBits, long descs, long infos, long data) {
            this(count, sizeBits, descs, infos, data, vi.requireSize("prb_desc"),
                    vi.requireOffset("prb_desc", "state_var") + vi.offset("atomic_long_t", "counter").orElse(0),
                    vi.requireOffset("prb_desc", "text_blk_lpos") + vi.requireOffset("prb_data_blk_lpos", "begin"),
                    vi.requireOffset("prb_desc", "text_blk_lpos") + vi.requireOffset("prb_data_blk_lpos", "next"),
                    vi.requireSize("printk_info"), vi.requireOffset("printk_info", "seq"),
                    vi.requireOffset("printk_info", "ts_nsec"), vi.requireOffset("printk_info", "text_len"),
                    vi.offset("printk_info", "caller_id").orElse(-1), vi.offset("printk_info", "dev_info").orElse(-1),
                    vi.offset("dev_printk_info", "subsystem").orElse(0), (int) vi.length("printk_info_subsystem").orElse(0),
                    vi.offset("dev_printk_info", "device").orElse(0), (int) vi.length("printk_info_device").orElse(0));
        }

        /** Every field VMCOREINFO places must lie inside its structure, or a record read would run off it. */
        void check() {
            fits("prb_desc", descSize, stateVar, 8);
            fits("prb_desc", descSize, blkBegin, 8);
            fits("prb_desc", descSize, blkNext, 8);
            fits("printk_info", infoSize, seq, 8);
            fits("printk_info", infoSize, tsNsec, 8);
            fits("printk_info", infoSize, textLen, 4); // text_len, facility, flags:5/level:3
            if (callerId >= 0) {
                fits("printk_info", infoSize, callerId, 4);
            }
            if (devInfo >= 0) {
                fits("printk_info", infoSize, devInfo + subsystem, Math.max(0, subsystemLen));
                fits("printk_info", infoSize, devInfo + device, Math.max(0, deviceLen));
            }
        }

        private static void fits(String struct, long size, long offset, int width) {
            LayoutCheck.fits(struct, size, offset, width);
        }
    }

    private LogRecord record(Layout l, long id) {
        long slot = id & (l.count - 1);
        ByteBuffer desc = mem.buffer(l.descs + slot * l.descSize, (int) l.descSize);
        long state = desc.getLong((int) l.stateVar);
        int s = (int) (state >>> STATE_SHIFT);
        long stateId = state & ID_MASK;
        if (stateId != id && stateId != ((id + l.count) & ID_MASK)) {
            // Between tail and head a slot holds its own id, or the next id of the slot once a writer
            // recycled it; any other id is not a state the kernel writes.
            damage.add("descriptor id " + id + ": its state_var carries id " + stateId);
            return null;
        }
        if (stateId != id || (s != COMMITTED && s != FINALIZED)) {
            return null; // reserved by a writer, reusable, or already recycled for a newer id
        }
        long begin = desc.getLong((int) l.blkBegin);
        long next = desc.getLong((int) l.blkNext);
        ByteBuffer info = mem.buffer(l.infos + slot * l.infoSize, (int) l.infoSize);
        int textLen = info.getShort((int) l.textLen) & 0xffff;
        int facility = info.get((int) l.textLen + 2) & 0xff;
        int level = (info.get((int) l.textLen + 3) & 0xff) >>> 5;
        OptionalInt caller = l.callerId >= 0 ? OptionalInt.of(info.getInt((int) l.callerId)) : OptionalInt.empty();
        String subsystem = l.devInfo >= 0 && l.subsystemLen > 0 ? CString.decode(info, (int) (l.devInfo + l.subsystem), l.subsystemLen) : "";
        String device = l.devInfo >= 0 && l.deviceLen > 0 ? CString.decode(info, (int) (l.devInfo + l.device), l.deviceLen) : "";
        long seq = info.getLong((int) l.seq);
        long ts = info.getLong((int) l.tsNsec);

        byte[] text = new byte[0];
        boolean dataless = (begin & 1) != 0 || (next & 1) != 0 || begin == next;
        if (!dataless) {
            long size = 1L << l.sizeBits;
            long blockStart;
            long blockSize;
            if (begin >>> l.sizeBits == next >>> l.sizeBits) {
                blockStart = begin & (size - 1);
                blockSize = next - begin;
            } else if ((begin + size) >>> l.sizeBits == next >>> l.sizeBits) {
                // The block did not fit before the end of the ring: it was written at the start.
                blockStart = 0;
                blockSize = next & (size - 1);
            } else {
                blockStart = -1;
                blockSize = 0;
            }
            long payload = blockSize - 8; // the block starts with its descriptor id
            if (blockStart < 0 || payload < 0 || blockStart + blockSize > size) {
                damage.add("descriptor id " + id + ": text block [" + begin + ", " + next
                        + ") does not fit the " + size + "-byte data ring");
                return null;
            }
            long blockId = mem.u64(l.data + blockStart);
            if (blockId != id) {
                damage.add("descriptor id " + id + ": its text block at ring offset " + blockStart
                        + " carries id " + blockId);
                return null;
            }
            if (textLen > payload) {
                damage.add("descriptor id " + id + ": text_len " + textLen + " is longer than its "
                        + payload + "-byte block; text cut");
            }
            int n = (int) Math.min(textLen, payload);
            text = mem.read(l.data + blockStart + 8, n);
        }
        return new LogRecord(seq, ts, level, facility, caller, text, subsystem, device, dataless);
    }

}
