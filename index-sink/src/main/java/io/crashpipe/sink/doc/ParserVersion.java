package io.crashpipe.sink.doc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the parsers that produced a result. Its {@link #ordinal()} is the external
 * version Elasticsearch compares, so a replay by an older parser never replaces a newer result.
 */
public record ParserVersion(int major, int minor, int patch, String text) implements Comparable<ParserVersion> {
    // major at most 4 digits: the report's external version multiplies the ordinal by the section slots
    private static final Pattern FORM = Pattern.compile("(\\d{1,4})\\.(\\d{1,6})(?:\\.(\\d{1,6}))?(?:[-+.].*)?");
    private static final long STEP = 1_000_000L;

    /** Parses {@code MAJOR.MINOR[.PATCH][-qualifier]}; a qualifier does not order versions. */
    public static ParserVersion parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("parser version '" + text + "' is not MAJOR.MINOR[.PATCH][-qualifier]");
        }
        return new ParserVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), text.strip());
    }

    /** major, minor and patch in decimal groups of six digits: 1.2.3 is 1000002000003. */
    public long ordinal() {
        return (major * STEP + minor) * STEP + patch;
    }

    @Override
    public int compareTo(ParserVersion o) {
        return Long.compare(ordinal(), o.ordinal());
    }

    @Override
    public String toString() {
        return text;
    }
}
