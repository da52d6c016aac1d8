package io.crashpipe.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Text read from a dump (task names, panic strings, kernel symbols, module names, paths) may hold
 * bytes that a terminal obeys: ESC sequences can retitle the window, move the cursor or hide the
 * lines around them. Everything a command prints passes through here: {@link #writer} wraps the
 * command line's stdout and stderr (see {@link CrashpipeCommand}), and commands that write bytes
 * themselves call {@link #escape}. Control characters show as visible escapes; newlines and tabs,
 * which the layouts themselves use, stay. C0 controls become {@code \xNN}; DEL and the C1 controls
 * become a backslash-u escape with four hex digits, the JSON escape of the same character, so
 * JSON output stays valid (its encoder already escapes C0). {@code log} stays byte-identical to
 * makedumpfile, whose format escapes every unprintable byte itself.
 */
public final class TerminalText {
    private TerminalText() {}

    static String escape(String text) {
        int i = firstControl(text, 0, text.length());
        if (i < 0) {
            return text; // the common case: nothing to escape, no copy
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        appendEscaped(sb, text, i, text.length());
        return sb.toString();
    }

    /** {@code target} with every character written through {@link #escape}; wrapping twice is a no-op. */
    static PrintWriter writer(PrintWriter target) {
        return target instanceof Escaping ? target : new Escaping(target);
    }

    /**
     * The writer under an escaping one, for the few outputs that draw with control characters of
     * their own and print no dump text (the upload progress bar's carriage return).
     */
    public static PrintWriter unescaped(PrintWriter w) {
        return w instanceof Escaping e ? e.raw : w;
    }

    private static final class Escaping extends PrintWriter {
        final PrintWriter raw;

        Escaping(PrintWriter raw) {
            super(new EscapingWriter(raw), true);
            this.raw = raw;
        }
    }

    private static final class EscapingWriter extends FilterWriter {
        EscapingWriter(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            if (control((char) c)) {
                out.write(escape(String.valueOf((char) c)));
            } else {
                out.write(c);
            }
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            write(new String(buf, off, len), 0, len);
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            int i = firstControl(s, off, off + len);
            if (i < 0) {
                out.write(s, off, len);
                return;
            }
            StringBuilder sb = new StringBuilder(len + 16).append(s, off, i);
            appendEscaped(sb, s, i, off + len);
            out.write(sb.toString());
        }
    }

    private static int firstControl(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (control(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void appendEscaped(StringBuilder sb, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!control(c)) {
                sb.append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
    }

    /** C0 controls but newline and tab, DEL, and the C1 controls (U+0080-U+009F; 0x9b is a CSI). */
    private static boolean control(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f);
    }
}
