package io.crashpipe.parsers.printk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the log exactly as {@code makedumpfile --dump-dmesg} does, so the outputs compare
 * byte for byte: {@code [%5llu.%06lu] } from the nanosecond timestamp, a newline inside a
 * message continues on a new line indented under the text, printable ASCII and whitespace
 * pass through, and other bytes become {@code \xNN}. makedumpfile formats a plain
 * (signed) {@code char}, so bytes from 0x80 up print sign-extended ({@code \xffffffc3}); this
 * is kept. Records without text are skipped; the pre-3.5 character buffer is copied verbatim.
 *
 * <p>Two generations of makedumpfile differ: up to 1.7.4 (Debian bookworm ships 1.7.2, which made
 * the fixtures' reference output) no caller ids are printed; from 1.7.5 on, every record that has
 * one (the lockless ring always, {@code printk_log} with CONFIG_PRINTK_CALLER) gets
 * {@code [    T123] } or {@code [      C1] } after the timestamp. {@link CallerIds} picks one.
 */
public final class MakedumpfileDmesg {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Whether to print the caller id column, as makedumpfile 1.7.5 and later do. */
    public enum CallerIds {
        /** makedumpfile up to 1.7.4: never. */
        OMIT,
        /** makedumpfile 1.7.5 and later: for every record that carries one. */
        PRINT
    }

    private MakedumpfileDmesg() {}

    /** The output of makedumpfile up to 1.7.4 (no caller ids). */
    public static void write(KernelLog log, OutputStream out) throws IOException {
        write(log, out, CallerIds.OMIT);
    }

    public static void write(KernelLog log, OutputStream out, CallerIds callerIds) throws IOException {
        if (log.format() == LogFormat.CHAR_BUFFER) {
            out.write(log.rawText());
            return;
        }
        Buffer b = new Buffer(out);
        for (LogRecord r : log.records()) {
            if (r.dataless()) {
                continue;
            }
            b.ascii(prefix(r, callerIds == CallerIds.PRINT));
            int indent = b.lineLength;
            for (byte c : r.text()) {
                if (c == '\n') {
                    b.put((byte) '\n');
                    for (int i = 0; i < indent; i++) {
                        b.put((byte) ' ');
                    }
                } else if ((c >= 0x20 && c < 0x7f) || (c >= 9 && c <= 13)) {
                    b.put(c);
                } else {
                    b.ascii("\\x");
                    if (c < 0) {
                        b.ascii("ffffff");
                    }
                    b.put(HEX[(c >> 4) & 15]);
                    b.put(HEX[c & 15]);
                }
            }
            b.put((byte) '\n');
        }
        b.flush();
    }

    /**
     * {@code [%5llu.%06lu] }, then {@code [%8s] } with the caller id, built by hand: String.format
     * would load the JDK's locale data (CLDR) on first use and parse the pattern per record, the
     * largest part of a cold {@code crashpipe log} after reading the ring.
     */
    static String prefix(LogRecord r, boolean withCaller) {
        long ts = r.timestampNanos();
        StringBuilder p = new StringBuilder(32).append('[');
        padLeft(p, Long.toString(Long.divideUnsigned(ts, 1_000_000_000L)), 5, ' ');
        p.append('.');
        padLeft(p, Long.toString(Long.remainderUnsigned(ts, 1_000_000_000L) / 1000), 6, '0');
        p.append("] ");
        if (withCaller && r.caller().isPresent()) {
            p.append('[');
            padLeft(p, r.caller().get(), 8, ' ');
            p.append("] ");
        }
        return p.toString();
    }

    private static void padLeft(StringBuilder out, String s, int width, char pad) {
        for (int i = s.length(); i < width; i++) {
            out.append(pad);
        }
        out.append(s);
    }

    /** A growable output buffer that also tracks the current line's length for the indent. */
    private static final class Buffer {
        private final OutputStream out;
        private final byte[] buf = new byte[8 * 1024]; // a log of a few records allocates little
        private int n;
        int lineLength;

        Buffer(OutputStream out) {
            this.out = out;
        }

        void put(byte c) throws IOException {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = c;
            lineLength = c == '\n' ? 0 : lineLength + 1;
        }

        void ascii(String s) throws IOException {
            for (int i = 0; i < s.length(); i++) {
                put((byte) s.charAt(i));
            }
        }

        void flush() throws IOException {
            out.write(buf, 0, n);
            n = 0;
        }
    }
}
