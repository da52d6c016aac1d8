package io.crashpipe.parsers.oops;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Code:} line: instruction bytes around the faulting one, which the kernel marks
 * {@code <0f>} (or {@code (0f0b)} for the first of several).
 *
 * @param bytes the bytes in order
 * @param faultOffset index of the marked byte, -1 when none is marked
 */
public record CodeBytes(byte[] bytes, int faultOffset) {
    private static final Pattern LINE = Pattern.compile("^\\s*Code: ((?:[<(]?[0-9a-fA-F]{2,8}[>)]? ?)+)\\s*>?$");

    static Optional<CodeBytes> parse(String text) {
        Matcher m = LINE.matcher(text);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        StringBuilder hex = new StringBuilder();
        int fault = -1;
        for (String tok : m.group(1).trim().split("\\s+")) {
            boolean marked = tok.startsWith("<") || tok.startsWith("(");
            String digits = tok.replaceAll("[<>()]", "");
            if (digits.length() % 2 != 0) {
                break; // a line cut by the console ends in half a byte
            }
            if (marked && fault < 0) {
                fault = hex.length() / 2;
            }
            hex.append(digits);
        }
        return Optional.of(new CodeBytes(HexFormat.of().parseHex(hex), fault));
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }
}
