package io.crashpipe.parsers.oops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The grouping signature: SHA-256 over the title and the next few relevant frames below the
 * guilty one (function names only: no offsets, addresses or modules' load addresses, so KASLR,
 * rebuilds and other hosts do not change it), shortened to 32 hex digits.
 */
final class Signature {
    static final int FRAMES = 3;

    private Signature() {}

    static String of(String title, List<String> leadingFrames) {
        StringBuilder s = new StringBuilder(title);
        for (String f : leadingFrames) {
            s.append('\n').append(f);
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
