package io.crashpipe.parsers.printk;

import io.crashpipe.parsers.kernel.KernelVersion;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the character ring of kernels before 3.5: {@code log_buf} of {@code log_buf_len} bytes
 * (a power of two), {@code log_end} counting every character ever written. {@code log_end} is
 * an {@code unsigned long} before 2.6.25 and an {@code unsigned int} since. The text is kept as
 * is; records are derived per line from the {@code <level>[ seconds.micros]} prefixes.
 */
public final class CharBufferReader {
    // At most 9 digits of seconds (31 years of uptime): a longer number is damaged text, kept as text.
    private static final Pattern PREFIX = Pattern.compile("^(?:<(\\d)>)?(?:\\[\\s*(\\d{1,9})\\.(\\d{6})\\] ?)?");

    /** 256 MiB: far above any log_buf_len= a system boots with; a larger value is damage, not a buffer to allocate. */
    private static final long MAX_BUF = 1L << 28;

    private CharBufferReader() {}

    public static boolean applies(Vmcoreinfo vi) {
        return vi.symbol("log_buf").isPresent() && vi.symbol("log_end").isPresent();
    }

    public static KernelLog read(VirtualMemory mem, Vmcoreinfo vi) {
        long buf = mem.u64(vi.requireSymbol("log_buf"));
        long len = mem.u32(vi.requireSymbol("log_buf_len"));
        long endSym = vi.requireSymbol("log_end");
        long end = vi.kernelVersion().compareTo(new KernelVersion(2, 6, 25)) >= 0 ? mem.u32(endSym) : mem.u64(endSym);
        if (len == 0 || Long.bitCount(len) != 1 || len > MAX_BUF) {
            // log_buf_len is a power of two (CONFIG_LOG_BUF_SHIFT 12..25, or log_buf_len= rounded up).
            throw new IllegalStateException("printk log_buf_len at 0x" + Long.toHexString(vi.requireSymbol("log_buf_len"))
                    + " is " + len + ", expected a power of two of at most " + MAX_BUF + " bytes");
        }
        byte[] text;
        // log_end only grows (before 2.6.25 an unsigned long): compared unsigned, so a damaged value
        // with its top bit set wraps like a huge count instead of becoming a negative length
        if (Long.compareUnsigned(end, len) < 0) {
            text = readGrowing(mem, buf, (int) end);
        } else {
            int index = (int) (end & (len - 1));
            byte[] older = readGrowing(mem, buf + index, (int) (len - index));
            byte[] newer = readGrowing(mem, buf, index);
            text = Arrays.copyOf(older, older.length + newer.length);
            System.arraycopy(newer, 0, text, older.length, newer.length);
        }
        return new KernelLog(LogFormat.CHAR_BUFFER, lines(text), text, 0, 0);
    }

    /**
     * {@code len} bytes at {@code vaddr}, read 64 KiB at a time: a damaged length over memory the
     * dump does not hold faults at its first missing piece instead of allocating the whole length first.
     */
    private static byte[] readGrowing(VirtualMemory mem, long vaddr, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(len, READ_STEP));
        for (int done = 0; done < len; ) {
            int n = Math.min(READ_STEP, len - done);
            out.writeBytes(mem.read(vaddr + done, n));
            done += n;
        }
        return out.toByteArray();
    }

    private static final int READ_STEP = 64 << 10;

    static List<LogRecord> lines(byte[] text) {
        List<LogRecord> out = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long seq = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                if (i < text.length || line.size() > 0) {
                    out.add(parseLine(seq++, line.toByteArray()));
                }
                line.reset();
            } else {
                line.write(text[i]);
            }
        }
        return out;
    }

    private static LogRecord parseLine(long seq, byte[] raw) {
        String s = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher m = PREFIX.matcher(s);
        m.find();
        int level = m.group(1) != null ? Integer.parseInt(m.group(1)) : 4; // default_message_loglevel
        long ts = m.group(2) != null ? Long.parseLong(m.group(2)) * 1_000_000_000L + Long.parseLong(m.group(3)) * 1000 : 0;
        byte[] body = Arrays.copyOfRange(raw, m.end(), raw.length);
        return new LogRecord(seq, ts, level, 0, OptionalInt.empty(), body, "", "", false);
    }
}
