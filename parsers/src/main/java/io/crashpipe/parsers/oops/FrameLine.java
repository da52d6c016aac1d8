package io.crashpipe.parsers.oops;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one line of a call trace. Accepted shapes, after optional section markers
 * ({@code <IRQ>}, {@code </NMI>}, {@code <EOE>} ...), optional raw addresses ({@code [<ffffffff8135067c>]},
 * powerpc's {@code [c7363c70] [c0631338]}) and an optional {@code ?}:
 * <ul>
 * <li>{@code func+0x44/0x5c [module]}: the usual x86/arm64 form; <i>strong</i>, accepted anywhere
 *     in a report (2.6.2x x86_64 printed {@code :module:func+0x..}, and HTML-mangled logs an empty {@code []});</li>
 * <li>{@code func lib/dump_stack.c:77 [inline]} and {@code func (net/core/dst.c:118)}: symbolised
 *     traces (syzbot, decode_stacktrace.sh); <i>weak</i>, accepted only inside a trace;</li>
 * <li>{@code show_stack from dump_stack_lvl+0x90/0xac}: 32-bit arm, the first name is the frame.</li>
 * </ul>
 */
final class FrameLine {
    /** What a line contributed: a section change, a frame, or both. */
    record Parsed(Optional<FrameSection> enters, boolean leavesSection, Optional<Raw> frame) {}

    /** A frame before it is placed in a section and trace. */
    record Raw(String function, long offset, long size, String module, boolean reliable, boolean strong) {}

    private static final Pattern MARKER = Pattern.compile("^\\s*<{1,2}(/?)(IRQ|NMI|TASK|SOFTIRQ|EOI|EOE)>{1,2}\\s*");
    private static final Pattern ADDRESS = Pattern.compile("^\\s*(?:\\[<?\\s*(?:0x)?[0-9a-fA-F]*>?\\]\\s*){1,2}");
    private static final String NAME = "([A-Za-z_$][\\w.$]*)";
    private static final Pattern STRONG = Pattern.compile(
            "^\\s*(\\?\\s+)?(?::[\\w-]+:)?" + NAME + "\\+0x([0-9a-fA-F]+)(?:/0x([0-9a-fA-F]+))?(?:\\s+\\[([\\w.-]+)(?:[^\\]]*)\\])?(?:\\s|$|\\()");
    private static final Pattern ARM_FROM = Pattern.compile("^\\s*" + NAME + " from " + NAME + "\\+0x");
    private static final Pattern WEAK = Pattern.compile(
            "^\\s*(\\?\\s+)?" + NAME + "(?:\\+0x([0-9a-fA-F]+)/0x([0-9a-fA-F]+))?\\s+(?:\\(\\S+:\\d+|[\\w./-]+\\.[chS]:\\d+|\\[inline\\]|\\(inlined)");

    private FrameLine() {}

    static Parsed parse(String text) {
        String s = text;
        Optional<FrameSection> enters = Optional.empty();
        boolean leaves = false;
        Matcher mk;
        while ((mk = MARKER.matcher(s)).lookingAt()) {
            boolean closing = !mk.group(1).isEmpty();
            String tag = mk.group(2);
            if (closing || tag.equals("EOI") || tag.equals("EOE")) {
                leaves = true;
                enters = Optional.empty();
            } else {
                enters = Optional.of(switch (tag) {
                    case "IRQ" -> FrameSection.IRQ;
                    case "NMI" -> FrameSection.NMI;
                    case "SOFTIRQ" -> FrameSection.SOFTIRQ;
                    default -> FrameSection.TASK;
                });
            }
            s = s.substring(mk.end());
        }
        Matcher ma = ADDRESS.matcher(s);
        if (ma.lookingAt()) {
            s = s.substring(ma.end());
        }
        return new Parsed(enters, leaves, frame(s));
    }

    private static Optional<Raw> frame(String s) {
        Matcher m = ARM_FROM.matcher(s);
        if (m.lookingAt()) {
            return Optional.of(new Raw(m.group(1), -1, -1, "", true, true));
        }
        m = STRONG.matcher(s);
        if (m.lookingAt()) {
            long offset = hex(m.group(3));
            long size = hex(m.group(4));
            // offset 0 with a known size is a return address just past a noreturn call at the end of the
            // function before this one (see GuiltyFrame): the caller is unknown, the frame is not reliable
            boolean afterNoreturn = offset == 0 && size > 0;
            return Optional.of(new Raw(m.group(2), offset, size,
                    m.group(5) == null || m.group(5).equals("inline") ? "" : m.group(5), m.group(1) == null && !afterNoreturn, true));
        }
        m = WEAK.matcher(s);
        if (m.lookingAt()) {
            return Optional.of(new Raw(m.group(2), hex(m.group(3)), hex(m.group(4)), "", m.group(1) == null, false));
        }
        return Optional.empty();
    }

    private static long hex(String s) {
        return s == null ? -1 : Long.parseUnsignedLong(s.length() > 16 ? s.substring(s.length() - 16) : s, 16);
    }
}
