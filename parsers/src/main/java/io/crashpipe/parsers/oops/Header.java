package io.crashpipe.parsers.oops;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code CPU: 1 PID: 1 Comm: init Not tainted 6.1.0-56-amd64 #1} line (or, for hung tasks,
 * the separate {@code Tainted:} line).
 *
 * @param cpu -1 when not printed
 * @param pid -1 when not printed
 */
public record Header(int cpu, long pid, String comm, String kernelRelease, Taint taint) {
    private static final Pattern CPU_LINE = Pattern.compile(
            "^\\s*CPU: (\\d+) (?:UID: \\d+ )?PID: (\\d+) Comm: (.+?)(?: Kdump: loaded)? (Not tainted|Tainted: ([A-Z][A-Z ]*?))[\\s-]+(\\d\\S*)");
    private static final Pattern TAINT_LINE = Pattern.compile("^\\s*(Not tainted|Tainted: ([A-Z][A-Z ]*?))[\\s-]+(\\d\\S*)\\s+#");

    static Optional<Header> parse(String text) {
        Matcher m = CPU_LINE.matcher(text);
        if (m.lookingAt()) {
            return Optional.of(new Header((int) number(m.group(1), Integer.MAX_VALUE), number(m.group(2), Long.MAX_VALUE), m.group(3),
                    m.group(6), m.group(5) == null ? Taint.NONE : Taint.decode(m.group(5))));
        }
        m = TAINT_LINE.matcher(text);
        if (m.lookingAt()) {
            return Optional.of(new Header(-1, -1, "", m.group(3), m.group(2) == null ? Taint.NONE : Taint.decode(m.group(2))));
        }
        return Optional.empty();
    }

    /** A printed CPU or PID; -1 (not printed) when the digits are beyond what the kernel can print (damaged text). */
    private static long number(String digits, long max) {
        try {
            long v = Long.parseLong(digits);
            return v <= max ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
