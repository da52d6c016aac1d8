package io.crashpipe.parsers.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numeric part of a kernel release string ({@code 6.12.117+deb12-amd64} is 6.12.117). Used
 * only where the dump carries no better evidence of a layout change.
 */
public record KernelVersion(int major, int minor, int patch) implements Comparable<KernelVersion> {
    private static final Pattern RELEASE = Pattern.compile("^(\\d{1,5})\\.(\\d{1,5})(?:\\.(\\d{1,5}))?"); // bounded: a damaged OSRELEASE is UNKNOWN, not an overflow

    /** An unknown release compares below every real one. */
    public static final KernelVersion UNKNOWN = new KernelVersion(0, 0, 0);

    public static KernelVersion parse(String release) {
        Matcher m = RELEASE.matcher(release == null ? "" : release);
        if (!m.find()) {
            return UNKNOWN;
        }
        return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    public static KernelVersion of(int major, int minor) {
        return new KernelVersion(major, minor, 0);
    }

    public boolean atLeast(int maj, int min) {
        return compareTo(of(maj, min)) >= 0;
    }

    @Override
    public int compareTo(KernelVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
