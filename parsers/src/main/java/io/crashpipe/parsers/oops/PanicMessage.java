package io.crashpipe.parsers.oops;

import java.util.regex.Pattern;

/**
 * A panic message as it goes into a title: numbers, addresses and {@code key=value} details
 * ({@code exitcode=0x00000009}, "on cpu 3") change from crash to crash and are dropped.
 */
final class PanicMessage {
    private static final Pattern KEY_VALUE = Pattern.compile("\\s*\\b[\\w-]+=\\S*");
    private static final Pattern NUMBER = Pattern.compile("\\s*(?<![\\w-])(?:0x[0-9a-fA-F]+|[0-9a-fA-F]*\\d[0-9a-fA-F]*)(?![\\w-])");
    private static final Pattern SYMBOL_OFFSET = Pattern.compile("\\+0x[0-9a-f]+(?:/0x[0-9a-f]+)?");

    private PanicMessage() {}

    static String normalise(String message) {
        String s = SYMBOL_OFFSET.matcher(message).replaceAll("");
        s = KEY_VALUE.matcher(s).replaceAll("");
        s = NUMBER.matcher(s).replaceAll("");
        s = s.replaceAll("\\s+", " ").strip();
        while (s.endsWith(":") || s.endsWith(",")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }
}
