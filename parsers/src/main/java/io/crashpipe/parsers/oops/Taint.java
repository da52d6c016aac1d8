package io.crashpipe.parsers.oops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kernel's taint letters ({@code Tainted: P        W  O}) decoded into words. The letters and
 * their meanings are those of the kernel's taint flag table; 'G' only says that no proprietary
 * module is loaded and decodes to nothing.
 *
 * @param letters the letters as printed, spaces removed ("" for "Not tainted")
 * @param words one word per flag, in the order printed
 */
public record Taint(String letters, List<String> words) {
    private static final Map<Character, String> WORDS = Map.ofEntries(
            Map.entry('P', "proprietary-module"),
            Map.entry('F', "forced-module-load"),
            Map.entry('S', "cpu-out-of-spec"),
            Map.entry('R', "forced-module-unload"),
            Map.entry('M', "machine-check"),
            Map.entry('B', "bad-page"),
            Map.entry('U', "user-requested"),
            Map.entry('D', "died-recently"),
            Map.entry('A', "acpi-table-overridden"),
            Map.entry('W', "warning"),
            Map.entry('C', "staging-driver"),
            Map.entry('I', "firmware-workaround"),
            Map.entry('O', "out-of-tree-module"),
            Map.entry('E', "unsigned-module"),
            Map.entry('L', "soft-lockup"),
            Map.entry('K', "live-patched"),
            Map.entry('X', "auxiliary"),
            Map.entry('T', "randomized-struct-layout"),
            Map.entry('N', "test-module"),
            Map.entry('J', "fwctl"));

    public static final Taint NONE = new Taint("", List.of());

    static Taint decode(String printed) {
        StringBuilder letters = new StringBuilder();
        List<String> words = new ArrayList<>();
        for (char c : printed.toCharArray()) {
            String w = WORDS.get(c);
            if (w != null) {
                letters.append(c);
                words.add(w);
            } else if (c == 'G') {
                letters.append(c);
            }
        }
        return new Taint(letters.toString(), List.copyOf(words));
    }

    public boolean tainted() {
        return !words.isEmpty();
    }
}
