package io.crashpipe.parsers.triage.struct;

/**
 * Renders a {@link Value} tree as crash prints it through gdb: two spaces a level, members as
 * {@code name = value}, anonymous members as their bare {@code {...}}, arrays inline in braces
 * (struct elements opening one level deeper), char arrays as strings with octal escapes, the
 * final NUL of a char array dropped, {@code ...} after a cut array or string.
 */
public final class GdbFormat {
    private GdbFormat() {}

    public static String render(Value v) {
        StringBuilder sb = new StringBuilder();
        append(sb, v, 0);
        return sb.toString();
    }

    /** Renders {@code v} as printed at nesting {@code depth} (its members one level deeper). */
    public static String render(Value v, int depth) {
        StringBuilder sb = new StringBuilder();
        append(sb, v, depth);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Value v, int depth) {
        switch (v) {
            case Value.Scalar s -> sb.append(s.text());
            case Value.Composite c -> composite(sb, c, depth);
            case Value.Array a -> {
                sb.append('{');
                for (int i = 0; i < a.elements().size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    append(sb, a.elements().get(i), depth + 1);
                }
                sb.append(a.truncated() ? "...}" : "}");
            }
            case Value.Chars c -> {
                int n = c.bytes().length;
                if (!c.truncated() && n > 0 && c.bytes()[n - 1] == 0) {
                    n--;
                }
                sb.append('"');
                string(sb, c.bytes(), n);
                sb.append('"').append(c.truncated() ? "..." : "");
            }
            case Value.CharPointer p -> {
                sb.append(String.format("0x%x", p.address())).append(p.symbol());
                if (p.string() == null) {
                    sb.append(String.format(" <error: Cannot access memory at address 0x%x>", p.address()));
                } else {
                    sb.append(" \"");
                    string(sb, p.string(), p.string().length);
                    sb.append('"').append(p.truncated() ? "..." : "");
                }
            }
            case Value.Unreadable u -> sb.append(String.format("<error: Cannot access memory at address 0x%x>",
                    u.address()));
        }
    }

    private static void composite(StringBuilder sb, Value.Composite c, int depth) {
        if (c.members().isEmpty()) {
            sb.append("{<No data fields>}");
            return;
        }
        sb.append("{\n");
        String pad = "  ".repeat(depth + 1);
        for (int i = 0; i < c.members().size(); i++) {
            Value.Member m = c.members().get(i);
            sb.append(pad);
            if (!m.name().isEmpty()) {
                sb.append(m.name()).append(" = ");
            }
            append(sb, m.value(), depth + 1);
            sb.append(i + 1 < c.members().size() ? ",\n" : "\n");
        }
        sb.append("  ".repeat(depth)).append('}');
    }

    /** String bytes; a digit right after an octal escape is escaped too, so it cannot extend it (gdb's rule). */
    private static void string(StringBuilder sb, byte[] bytes, int n) {
        boolean afterOctal = false;
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            String e = afterOctal && c >= '0' && c <= '9' ? String.format("\\%03o", c) : escape(c, '"');
            sb.append(e);
            afterOctal = e.length() == 4 && e.charAt(0) == '\\' && Character.isDigit(e.charAt(1));
        }
    }

    /** gdb's character literal: {@code '\000'}, {@code 'a'}, {@code '\n'}. */
    public static String charLiteral(int c) {
        return "'" + escape(c, '\'') + "'";
    }

    private static String escape(int c, char quote) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case 7 -> "\\a";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\r' -> "\\r";
            case 11 -> "\\v";
            case 27 -> "\\033";
            case '\\' -> "\\\\";
            default -> {
                if (c == quote) {
                    yield "\\" + quote;
                }
                yield c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\%03o", c);
            }
        };
    }
}
