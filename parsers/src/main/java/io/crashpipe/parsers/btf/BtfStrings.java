package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The string section: NUL-terminated names addressed by byte offset. Strings are decoded on
 * demand, so a 2 MB section costs nothing until a name is asked for. Offsets are checked once
 * ({@link #check}) when the type section is scanned; the readers below trust them.
 */
final class BtfStrings {
    private static final int FNV_BASIS = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;

    private final ByteBuffer data;
    private final int start;
    private final int length;

    BtfStrings(ByteBuffer data, BtfHeader header) {
        this.data = data;
        this.start = (int) header.stringStart();
        this.length = header.strLen();
    }

    /** Whether {@code offset} addresses a string in the section. */
    boolean valid(int offset) {
        return offset >= 0 && offset < length;
    }

    /** The error for a name offset that {@link #valid} refused; {@code what} names the field. */
    DumpFormatException outside(int offset, String source, long recordOffset, String what) {
        return new DumpFormatException(source, recordOffset, what + " below str_len " + length,
                "name offset " + Integer.toUnsignedString(offset));
    }

    /** The name at {@code offset}; offset 0 is the empty name of anonymous types. */
    String get(int offset) {
        int begin = start + offset;
        int end = begin;
        // The header check guarantees the section ends in NUL, so this stops inside it.
        while (data.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - begin];
        data.get(begin, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Whether the name at {@code offset} equals {@code name} (as bytes), without decoding. */
    boolean equalsAt(int offset, byte[] name) {
        int begin = start + offset;
        if (begin + name.length >= start + length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (data.get(begin + i) != name[i]) {
                return false;
            }
        }
        return data.get(begin + name.length) == 0;
    }

    /** FNV-1a over the name's bytes; {@link #hash(byte[])} gives the same value for a query. */
    int hashAt(int offset) {
        int h = FNV_BASIS;
        for (int p = start + offset; ; p++) {
            byte b = data.get(p);
            if (b == 0) {
                return h;
            }
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
    }

    static int hash(byte[] name) {
        int h = FNV_BASIS;
        for (byte b : name) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return h;
    }
}
