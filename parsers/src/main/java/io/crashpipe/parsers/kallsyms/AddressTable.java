package io.crashpipe.parsers.kallsyms;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * {@code kallsyms_addresses} or {@code kallsyms_offsets} (+ {@code kallsyms_relative_base}):
 * one entry per symbol, in the same order as the names.
 *
 * @param address where the entries start
 * @param encoding how an entry becomes an address
 * @param relativeBase where {@code kallsyms_relative_base} is, for the encodings that use it
 */
public record AddressTable(long address, AddressEncoding encoding, OptionalLong relativeBase) {

    public int entrySize() {
        return encoding == AddressEncoding.ABSOLUTE ? 8 : 4;
    }

    /** First byte after the entries. */
    long end(int count) {
        return address + (long) entrySize() * count;
    }

    /** The address of symbol {@code i}. */
    long addressOf(ImageBytes img, int i, long base) {
        if (encoding == AddressEncoding.ABSOLUTE) {
            return img.u64(address + 8L * i);
        }
        long entry = address + 4L * i;
        return fromOffset(img.s32(entry), entry, base);
    }

    /** A 32-bit entry (at {@code entry}) as an address. */
    private long fromOffset(int v, long entry, long base) {
        return switch (encoding) {
            case ABSOLUTE_PERCPU -> v >= 0 ? v : base - 1 - v;
            case BASE_RELATIVE -> base + (v & 0xffffffffL);
            case PC_RELATIVE -> entry + v;
            case ABSOLUTE -> throw new AssertionError();
        };
    }

    long base(ImageBytes img) {
        return relativeBase.isPresent() ? img.u64(relativeBase.getAsLong()) : 0;
    }

    /** Every entry: the table is copied once, then decoded from the copy. */
    long[] decode(ImageBytes img, int count) {
        long base = base(img);
        byte[] raw = new byte[Math.multiplyExact(count, entrySize())];
        img.copy(address, raw);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            if (encoding == AddressEncoding.ABSOLUTE) {
                out[i] = b.getLong(8 * i);
                continue;
            }
            out[i] = fromOffset(b.getInt(4 * i), address + 4L * i, base);
        }
        return out;
    }
}
