package io.crashpipe.cli;

import java.util.ArrayList;
import java.util.List;

/** makedumpfile's dump level bits, in words. */
final class DumpLevel {
    private static final String[] BITS = {"zero", "cache", "cache private", "user", "free"};

    private DumpLevel() {}

    static String describe(int level) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BITS.length; i++) {
            if ((level & (1 << i)) != 0) {
                out.add(BITS[i]);
            }
        }
        return out.isEmpty() ? "nothing excluded" : String.join(", ", out) + " pages excluded";
    }
}
