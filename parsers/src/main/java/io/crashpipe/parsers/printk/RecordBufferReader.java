package io.crashpipe.parsers.printk;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads the variable-length record buffer of Linux 3.5 to 5.9: {@code log_buf} holds
 * {@code struct printk_log} headers (named {@code struct log} before 3.11), each followed by its
 * text and dictionary, from {@code log_first_idx} up to {@code log_next_idx}; a header whose
 * {@code len} is 0 marks the end of the used buffer, and reading continues at offset 0.
 *
 * <p>VMCOREINFO gives {@code ts_nsec}, {@code len}, {@code text_len} and (5.1+ with
 * CONFIG_PRINTK_CALLER) {@code caller_id}. The fields without keys have had one layout for the
 * format's whole life: {@code u16 dict_len; u8 facility; u8 flags:5, level:3;} right after
 * {@code text_len}. The dictionary carries dev_printk's {@code SUBSYSTEM=} and {@code DEVICE=}.
 */
public final class RecordBufferReader {
    private RecordBufferReader() {}

    public static boolean applies(Vmcoreinfo vi) {
        return vi.symbol("log_buf").isPresent() && vi.symbol("log_first_idx").isPresent()
                && (vi.size("printk_log").isPresent() || vi.size("log").isPresent());
    }

    public static KernelLog read(VirtualMemory mem, Vmcoreinfo vi) {
        String struct = vi.size("printk_log").isPresent() ? "printk_log" : "log";
        long size = vi.requireSize(struct);
        long ts = vi.requireOffset(struct, "ts_nsec");
        long lenAt = vi.requireOffset(struct, "len");
        long textLenAt = vi.requireOffset(struct, "text_len");
        long callerAt = vi.offset(struct, "caller_id").orElse(-1);
        LayoutCheck.fits(struct, size, ts, 8);
        LayoutCheck.fits(struct, size, lenAt, 2);
        LayoutCheck.fits(struct, size, textLenAt, 6); // text_len, dict_len, facility, flags:5/level:3
        if (callerAt >= 0) {
            LayoutCheck.fits(struct, size, callerAt, 4);
        }
        int headerSize = (int) size;
        int offTs = (int) ts;
        int offLen = (int) lenAt;
        int offTextLen = (int) textLenAt;
        int offCaller = (int) callerAt;

        long buf = mem.u64(vi.requireSymbol("log_buf"));
        long bufLen = mem.u32(vi.requireSymbol("log_buf_len"));
        long first = mem.u32(vi.requireSymbol("log_first_idx"));
        long next = mem.u32(vi.requireSymbol("log_next_idx"));
        List<LogRecord> records = new ArrayList<>();
        List<String> damage = new ArrayList<>();
        // The kernel writes from log_first_idx towards the end of the buffer, wraps to 0 once at a
        // len=0 marker and stops at log_next_idx: each record lies past the previous one, and after
        // the wrap before log_first_idx. A record breaking that order, or whose len does not cover its
        // header, text and dictionary, ends the walk (its len can no longer be trusted) and is named.
        long idx = first;
        boolean wrapped = false;
        for (long seq = 0; idx != next; seq++) {
            String bad = outside(idx, headerSize, bufLen, wrapped ? first : bufLen);
            if (bad != null) {
                damage.add("record " + seq + " at log_buf index 0x" + Long.toHexString(idx) + ": " + bad);
                break;
            }
            ByteBuffer h = mem.buffer(buf + idx, headerSize);
            int len = h.getShort(offLen) & 0xffff;
            if (len == 0) { // end-of-buffer marker: the record is at the start
                if (wrapped) {
                    damage.add("record " + seq + ": a second end-of-buffer marker, at log_buf index 0x" + Long.toHexString(idx));
                    break;
                }
                wrapped = true;
                idx = 0;
                if (next == 0) {
                    break;
                }
                h = mem.buffer(buf, headerSize);
                len = h.getShort(offLen) & 0xffff;
                if (len == 0) {
                    damage.add("record " + seq + ": an end-of-buffer marker at log_buf index 0 too");
                    break;
                }
            }
            int textLen = h.getShort(offTextLen) & 0xffff;
            int dictLen = h.getShort(offTextLen + 2) & 0xffff;
            String where = "record " + seq + " at log_buf index 0x" + Long.toHexString(idx) + ": len " + len;
            if (len < headerSize + textLen + dictLen) {
                damage.add(where + " does not hold its " + headerSize + "-byte header, " + textLen + "-byte text and "
                        + dictLen + "-byte dictionary");
                break;
            }
            bad = outside(idx, len, bufLen, wrapped ? first : bufLen);
            if (bad != null) {
                damage.add(where + " ends " + bad);
                break;
            }
            int facility = h.get(offTextLen + 4) & 0xff;
            int level = (h.get(offTextLen + 5) & 0xff) >>> 5;
            OptionalInt caller = offCaller >= 0 ? OptionalInt.of(h.getInt(offCaller)) : OptionalInt.empty();
            byte[] text = mem.read(buf + idx + headerSize, textLen);
            byte[] dict = mem.read(buf + idx + headerSize + textLen, dictLen);
            records.add(new LogRecord(seq, h.getLong(offTs), level, facility, caller, text,
                    dictValue(dict, "SUBSYSTEM="), dictValue(dict, "DEVICE="), false));
            idx += len;
        }
        return new KernelLog(LogFormat.RECORD_BUFFER, List.copyOf(records), new byte[0], 0, 0, damage);
    }

    /** Why {@code len} bytes at {@code idx} do not lie before {@code end}, or null when they do. */
    private static String outside(long idx, int len, long bufLen, long end) {
        if (idx < 0 || idx + len > end) {
            return "outside the " + bufLen + "-byte buffer"
                    + (end < bufLen ? " part before log_first_idx (0x" + Long.toHexString(end) + ")" : "");
        }
        return null;
    }

    /** The dictionary is NUL-separated KEY=value pairs. */
    private static String dictValue(byte[] dict, String key) {
        for (String kv : new String(dict, StandardCharsets.UTF_8).split("\0")) {
            if (kv.startsWith(key)) {
                return kv.substring(key.length());
            }
        }
        return "";
    }
}
