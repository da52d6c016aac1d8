package io.crashpipe.topology.groups;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders parser versions {@code MAJOR.MINOR[.PATCH][-qualifier]} numerically (the qualifier does
 * not order), as the index sink does: a dump counts under the report of its newest parser.
 */
final class VersionOrder {
    private static final Pattern FORM = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?.*");
    static final Comparator<String> NUMERIC = Comparator.comparingLong(VersionOrder::ordinal);

    private VersionOrder() {}

    /** An unparsable version sorts below every real one. */
    static long ordinal(String version) {
        Matcher m = FORM.matcher(version.strip());
        if (!m.matches()) {
            return -1;
        }
        long v = 0;
        for (int g = 1; g <= 3; g++) {
            v = v * 1_000_000L + (m.group(g) == null ? 0 : Math.min(999_999L, Long.parseLong(m.group(g))));
        }
        return v;
    }

    static boolean older(String a, String b) {
        return NUMERIC.compare(a, b) < 0;
    }
}
