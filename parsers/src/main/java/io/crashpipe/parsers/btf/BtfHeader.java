package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;

/**
 * {@code struct btf_header}: magic 0xeB9F, version 1, then where the type and string sections
 * lie. Section offsets count from the end of the header ({@code hdrLen}), as the kernel does.
 */
public record BtfHeader(int version, int flags, int hdrLen, int typeOff, int typeLen, int strOff, int strLen) {

    public static final int MAGIC = 0xEB9F;
    public static final int VERSION = 1;
    /** The header as version 1 defines it; a longer header is allowed (newer fields are skipped). */
    public static final int MIN_LENGTH = 24;

    /** Absolute offset of the type section in the blob. */
    public long typeStart() {
        return (long) hdrLen + Integer.toUnsignedLong(typeOff);
    }

    /** Absolute offset of the string section in the blob. */
    public long stringStart() {
        return (long) hdrLen + Integer.toUnsignedLong(strOff);
    }

    /**
     * Reads and checks the header of a BTF blob (little-endian; {@code data} from 0 to its limit).
     *
     * @param source names the blob in messages, e.g. ".BTF of vmcore (__start_BTF 0x...)"
     */
    public static BtfHeader parse(ByteBuffer data, String source) throws DumpFormatException {
        long size = data.limit();
        if (size < MIN_LENGTH) {
            throw new DumpFormatException(source, 0, "a BTF header of at least " + MIN_LENGTH + " bytes",
                    size + " bytes in all");
        }
        int magic = Short.toUnsignedInt(data.getShort(0));
        if (magic == Short.toUnsignedInt(Short.reverseBytes((short) MAGIC))) {
            throw new DumpFormatException(source, 0, "little-endian BTF magic 0xeb9f", "big-endian BTF (unsupported)");
        }
        if (magic != MAGIC) {
            throw new DumpFormatException(source, 0, "BTF magic 0xeb9f", hex(magic));
        }
        int version = Byte.toUnsignedInt(data.get(2));
        if (version != VERSION) {
            throw new DumpFormatException(source, 2, "BTF version " + VERSION, String.valueOf(version));
        }
        int flags = Byte.toUnsignedInt(data.get(3));
        long hdrLen = Integer.toUnsignedLong(data.getInt(4));
        if (hdrLen < MIN_LENGTH || hdrLen > size) {
            throw new DumpFormatException(source, 4, "hdr_len between " + MIN_LENGTH + " and the blob size " + size,
                    String.valueOf(hdrLen));
        }
        BtfHeader h = new BtfHeader(version, flags, (int) hdrLen,
                data.getInt(8), data.getInt(12), data.getInt(16), data.getInt(20));
        h.checkSection(source, 8, "type", h.typeStart(), Integer.toUnsignedLong(h.typeLen), size);
        h.checkSection(source, 16, "string", h.stringStart(), Integer.toUnsignedLong(h.strLen), size);
        if (h.typeOff % 4 != 0 || h.typeLen % 4 != 0) {
            throw new DumpFormatException(source, 8, "a 4-byte aligned type section",
                    "type_off " + h.typeOff + ", type_len " + h.typeLen);
        }
        if (h.strLen == 0 || data.get((int) h.stringStart()) != 0) {
            throw new DumpFormatException(source, h.stringStart(),
                    "a string section starting with the empty string (a NUL byte)",
                    h.strLen == 0 ? "an empty string section" : "byte " + hex(Byte.toUnsignedInt(data.get((int) h.stringStart()))));
        }
        long lastString = h.stringStart() + Integer.toUnsignedLong(h.strLen) - 1;
        if (data.get((int) lastString) != 0) {
            throw new DumpFormatException(source, lastString, "a NUL-terminated string section",
                    "byte " + hex(Byte.toUnsignedInt(data.get((int) lastString))));
        }
        return h;
    }

    private void checkSection(String source, long fieldOffset, String what, long start, long len, long size)
            throws DumpFormatException {
        if (start + len > size) {
            throw new DumpFormatException(source, fieldOffset,
                    "the " + what + " section inside the " + size + "-byte blob",
                    "bytes " + start + ".." + (start + len) + " (off/len fields relative to hdr_len " + hdrLen + ")");
        }
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v & 0xFFFF);
    }
}
