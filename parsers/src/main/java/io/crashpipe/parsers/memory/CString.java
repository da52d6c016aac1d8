package io.crashpipe.parsers.memory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * C strings as the kernel stores them in fixed-size fields ({@code comm[16]}, {@code name[56]},
 * the utsname fields): the bytes up to the first NUL, or the whole field when it has none.
 * Decoded as UTF-8 (what the kernel's callers write; invalid bytes become U+FFFD).
 */
public final class CString {
    private CString() {}

    /** The string in {@code raw[off .. off+max)}. */
    public static String decode(byte[] raw, int off, int max) {
        int end = Math.min(raw.length, off + max);
        int n = off;
        while (n < end && raw[n] != 0) {
            n++;
        }
        return new String(raw, off, n - off, StandardCharsets.UTF_8);
    }

    public static String decode(byte[] raw) {
        return decode(raw, 0, raw.length);
    }

    /** The string at absolute index {@code at} of {@code b}, at most {@code max} bytes, within its limit. */
    public static String decode(ByteBuffer b, int at, int max) {
        int n = Math.max(0, Math.min(max, b.limit() - at));
        byte[] raw = new byte[n];
        b.get(at, raw);
        return decode(raw, 0, n);
    }
}
