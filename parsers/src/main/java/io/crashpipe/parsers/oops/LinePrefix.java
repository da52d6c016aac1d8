package io.crashpipe.parsers.oops;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what log collectors put in front of the kernel's own text: syslog/journal prefixes
 * ({@code Oct 11 06:07:26 host kernel: }), ISO timestamps, {@code <4>} levels, printk
 * timestamps {@code [  12.345678]}, caller ids {@code [T123]}/{@code [C1]}, ktest's line
 * counters, rsyslog's {@code #012} escapes, {@code dmesg -T} wall-clock stamps
 * ({@code [Thu Nov  6 22:36:44 2025]}) and the {@code >} markers of a report quoted in an email
 * reply ({@code > > [  12.3] BUG: ...}). Several may be stacked; all are removed.
 * Indentation after the prefix is kept, because frames are recognised by it.
 */
final class LinePrefix {
    private static final Pattern PREFIX = Pattern.compile(
            "^(?:"
                    + "\\S{3,12} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\S+ kernel: ?"   // syslog
                    + "|\\d{4}-\\d\\d-\\d\\dT[\\d:.]+(?:[+-]\\d\\d:\\d\\d|Z)? \\S+ kernel: ?"     // ISO syslog
                    + "|kernel: ?"                                                             // journalctl -o cat
                    + "|<\\d>"                                                                 // printk level
                    + "|\\s*\\[ *\\d+\\.\\d+\\](?: |(?=\\[))?"                                   // timestamp (quoted logs indent it)
                    + "|\\[ *[TC]\\d+\\] ?"                                                     // caller id
                    + "|#012"                                                                  // rsyslog newline
                    + "|\\d{5} (?=\\S)"                                                         // ktest counter
                    + "|\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ?"  // dmesg -T
                    + "|(?:> ?)+(?=\\S|\\s*\\S)"                                                  // mail quoting
                    + ")");

    private LinePrefix() {}

    static String strip(String line) {
        String s = line;
        while (true) {
            if (!mayStartWithPrefix(s)) {
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            Matcher m = PREFIX.matcher(s);
            if (!m.lookingAt() || m.end() == 0) {
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            s = s.substring(m.end());
        }
    }

    /**
     * A necessary condition for {@link #PREFIX}, checked first because most lines (frames,
     * registers, the text after a timestamp) start with no prefix and the full alternation is
     * the parser's most frequent regular expression.
     */
    private static boolean mayStartWithPrefix(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        if (c == '[' || c == '<' || c == '#' || c == '>' || c == 'k' || (c >= '0' && c <= '9')) {
            return true;
        }
        if (isSpace(c)) {
            // Only the printk timestamp may be indented.
            int i = 1;
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            return i < s.length() && s.charAt(i) == '[';
        }
        // A syslog stamp: 3 to 12 non-blank characters, then one or two spaces and a day.
        int space = s.indexOf(' ');
        if (space < 3 || space > 12) {
            return false;
        }
        int day = space + 1 < s.length() && s.charAt(space + 1) == ' ' ? space + 2 : space + 1;
        return day < s.length() && s.charAt(day) >= '0' && s.charAt(day) <= '9';
    }

    /** The regular expressions' {@code \\s}, which is narrower than {@link Character#isWhitespace}. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The printk caller id ({@code T123} task or {@code C1} CPU) in the line's prefix, "" if none. */
    static String callerId(String line) {
        if (line.indexOf("][") < 0) {
            return ""; // no "[stamp][T123]" pair: most logs carry no caller ids
        }
        Matcher m = CALLER.matcher(line);
        return m.lookingAt() ? m.group(1) : "";
    }

    private static final Pattern CALLER = Pattern.compile("^.{0,80}?\\[\\s*\\d+\\.\\d+\\]\\[ *([TC]\\d+)\\]");

    /** True when printk timestamps appear inside the text, a sign of interleaved output. */
    static boolean hasEmbeddedTimestamp(String text) {
        return EMBEDDED.matcher(text).find();
    }

    private static final Pattern EMBEDDED = Pattern.compile("\\S\\s*\\[ *\\d+\\.\\d{6}\\]");
}
