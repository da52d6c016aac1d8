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
        int headerSize = (int) vi.requireSize(struct);
        int offTs = (int) vi.requireOffset(struct, "ts_nsec");
        int offLen = (int) vi.requireOffset(struct, "len");
        int offTextLen = (int) vi.requireOffset(struct, "text_len");
        int offCaller = (int) vi.offset(struct, "caller_id").orElse(-1);

        long buf = mem.u64(vi.requireSymbol("log_buf"));
        long bufLen = mem.u32(vi.requireSymbol("log_buf_len"));
        long first = mem.u32(vi.requireSymbol("log_first_idx"));
        long next = mem.u32(vi.requireSymbol("log_next_idx"));
        List<LogRecord> records = new ArrayList<>();
        long idx = first;
        long limit = bufLen / Math.max(1, headerSize) + 1;
        for (long seq = 0; idx != next; seq++) {
            if (seq > limit || idx < 0 || idx + headerSize > bufLen) {
                throw new IllegalStateException("printk log_buf at 0x" + Long.toHexString(buf)
                        + " is corrupt: record index 0x" + Long.toHexString(idx) + " outside the "
                        + bufLen + "-byte buffer or in a cycle");
            }
            ByteBuffer h = mem.buffer(buf + idx, headerSize);
            int len = h.getShort(offLen) & 0xffff;
            if (len == 0) { // end-of-buffer marker: the record is at the start
                idx = 0;
                h = mem.buffer(buf, headerSize);
                len = h.getShort(offLen) & 0xffff;
                if (len == 0) {
                    break;
                }
            }
            int textLen = h.getShort(offTextLen) & 0xffff;
            int dictLen = h.getShort(offTextLen + 2) & 0xffff;
            int facility = h.get(offTextLen + 4) & 0xff;
            int level = (h.get(offTextLen + 5) & 0xff) >>> 5;
            OptionalInt caller = offCaller >= 0 ? OptionalInt.of(h.getInt(offCaller)) : OptionalInt.empty();
            byte[] text = mem.read(buf + idx + headerSize, textLen);
            byte[] dict = mem.read(buf + idx + headerSize + textLen, dictLen);
            records.add(new LogRecord(seq, h.getLong(offTs), level, facility, caller, text,
                    dictValue(dict, "SUBSYSTEM="), dictValue(dict, "DEVICE="), false));
            idx += len;
        }
        return new KernelLog(LogFormat.RECORD_BUFFER, List.copyOf(records), new byte[0], 0, 0);
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
