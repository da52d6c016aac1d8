package io.crashpipe.cli;

/**
 * Text read from a dump (task names, panic strings, kernel symbols) may hold bytes that a
 * terminal obeys: ESC sequences can retitle the window, move the cursor or hide the lines around
 * them. Text-mode output passes through {@link #escape}, which shows those characters as visible
 * escapes; newlines and tabs, which the layouts themselves use, stay. JSON output is escaped by
 * its encoder, and {@code log} stays byte-identical to makedumpfile.
 */
final class TerminalText {
    private TerminalText() {}

    static String escape(String text) {
        int i = 0;
        while (i < text.length() && !control(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text; // the common case: nothing to escape, no copy
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!control(c)) {
                sb.append(c);
            } else if (c < 0x80) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /** C0 controls but newline and tab, DEL, and the C1 controls (U+0080-U+009F; 0x9b is a CSI). */
    private static boolean control(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f);
    }
}
