package io.crashpipe.parsers.dump.flat;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * struct makedumpfile_header: the first 4096 bytes of a flattened dump ("makedumpfile"
 * signature, big-endian type and version, both 1).
 */
public final class FlattenedHeader {
    public static final int SIZE = 4096;
    public static final String SIGNATURE = "makedumpfile";

    private FlattenedHeader() {}

    /** True when {@code first} (at least 12 bytes) starts with the flattened signature. */
    public static boolean matches(byte[] first) {
        return first.length >= 12 && SIGNATURE.equals(new String(first, 0, 12, StandardCharsets.US_ASCII));
    }

    static void validate(byte[] header, int len, String file) throws DumpFormatException {
        if (len < 32) {
            throw new DumpFormatException(file, 0, "a flattened header of " + SIZE + " bytes", len + " bytes");
        }
        if (!matches(header)) {
            throw new DumpFormatException(file, 0, "signature \"makedumpfile\"", "other bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        long type = b.getLong(16);
        long version = b.getLong(24);
        if (type != 1 || version != 1) {
            throw new DumpFormatException(file, 16, "flattened type 1 and version 1",
                    "type " + type + ", version " + version);
        }
        if (len < SIZE) {
            throw new DumpFormatException(file, len, "a flattened header of " + SIZE + " bytes", len + " bytes");
        }
    }
}
