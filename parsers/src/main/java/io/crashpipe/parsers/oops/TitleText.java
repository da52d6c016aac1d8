package io.crashpipe.parsers.oops;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a title stable across machines and boots, the way kernel fuzzing dashboards write them:
 * fuzzer process numbers, addresses, IP addresses, source line numbers, {@code +0x../0x..}
 * offsets, CPU numbers and other numbers become fixed words; control characters go, spaces are
 * squeezed and the length is capped.
 */
final class TitleText {
    private static final int MAX = 120;

    /** One replacement, applied until the text stops changing (matches may overlap, "0,1,2"). */
    private record Replacement(Pattern pattern, String with) {}

    private static final List<Replacement> TABLE = List.of(
            new Replacement(Pattern.compile("syz-executor\\.?[0-9]+(?:[/:][0-9]+)?"), "syz-executor"),
            new Replacement(Pattern.compile("syzkaller[0-9]+(?:[/:][0-9]+)?"), "syzkaller"),
            new Replacement(Pattern.compile("([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}"), "$1ADDR"),
            new Replacement(Pattern.compile("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}"), "IP"),
            new Replacement(Pattern.compile("(\\.\\w+)(?::[0-9]+)+"), "$1:LINE"),
            new Replacement(Pattern.compile("([a-zA-Z][a-zA-Z0-9_.]+)\\+0x[0-9a-z]+/0x[0-9a-z]+"), "$1"),
            new Replacement(Pattern.compile("CPU#[0-9]+"), "CPU"),
            new Replacement(Pattern.compile("(\\W)([0-9]+)(\\W|$)"), "$1NUM$3"),
            new Replacement(Pattern.compile("[0-9]{7,}"), "NUM"));

    private TitleText() {}

    static String stable(String title) {
        String s = title;
        for (Replacement r : TABLE) {
            String prev;
            do {
                prev = s;
                Matcher m = r.pattern().matcher(s);
                s = m.replaceAll(r.with());
            } while (!s.equals(prev));
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX));
        char prev = ' ';
        for (int i = 0; i < s.length() && i < MAX; i++) {
            char c = s.charAt(i);
            if (c == '\t') {
                c = ' ';
            } else if (c < 0x20 || c >= 0x7f) {
                continue;
            }
            if (c == ' ' && prev == ' ') {
                continue;
            }
            out.append(c);
            prev = c;
        }
        return out.toString().strip();
    }
}
