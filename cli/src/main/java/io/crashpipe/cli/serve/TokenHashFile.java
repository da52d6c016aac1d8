package io.crashpipe.cli.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The gateway's accepted bearer tokens, as SHA-256 hashes, one per line (what {@code sha256sum}
 * prints works as is); {@code #} starts a comment. Holding only hashes keeps the file harmless
 * to read.
 */
public final class TokenHashFile {
    private TokenHashFile() {}

    /** The hashes, lower-case hex; a line that is not one is an error naming the file and line. */
    public static Set<String> read(Path file) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String t = line.replaceFirst("#.*", "").strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            String hash = t.split("\\s+")[0];
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IOException(file + " line " + n + ": expected a SHA-256 as 64 hex digits, got '" + line.strip() + "'");
            }
            out.add(hash);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no token hashes; no agent could authenticate");
        }
        return out;
    }
}
