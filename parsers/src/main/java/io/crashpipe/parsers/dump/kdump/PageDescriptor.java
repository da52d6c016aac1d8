package io.crashpipe.parsers.dump.kdump;

import java.nio.ByteBuffer;

/** struct page_desc: where one dumped page's (possibly compressed) bytes are. 24 bytes. */
public record PageDescriptor(long offset, int size, int flags, long pageFlags) {
    public static final int SIZE = 24;

    static PageDescriptor read(ByteBuffer b, int at) {
        return new PageDescriptor(b.getLong(at), b.getInt(at + 8), b.getInt(at + 12), b.getLong(at + 16));
    }

    void write(ByteBuffer b) {
        b.putLong(offset).putInt(size).putInt(flags).putLong(pageFlags);
    }

    /** A descriptor left all-zero: makedumpfile never got to write it (incomplete dump). */
    boolean unwritten() {
        return offset == 0 && size == 0 && flags == 0;
    }
}
