package io.crashpipe.parsers.dump.flat;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct makedumpfile_data_header: 16 big-endian bytes before each piece of a flattened dump,
 * saying where in the (virtual) kdump file the following {@code size} bytes belong. An offset
 * of -1 ends the stream.
 */
record FlatRecord(long offset, long size) {
    static final int SIZE = 16;
    /** makedumpfile writes buffers of at most a few MiB; far more than that is a broken header. */
    static final long MAX_RECORD = 1L << 30;

    static FlatRecord parse(byte[] raw, String file, long at) throws DumpFormatException {
        ByteBuffer b = ByteBuffer.wrap(raw, 0, SIZE).order(ByteOrder.BIG_ENDIAN);
        FlatRecord r = new FlatRecord(b.getLong(0), b.getLong(8));
        if (!r.isEnd() && (r.offset < 0 || r.size < 0 || r.size > MAX_RECORD)) {
            throw new DumpFormatException(file, at, "a flattened record header (offset >= 0, size up to "
                    + MAX_RECORD + ")", "offset " + r.offset + ", size " + r.size);
        }
        return r;
    }

    boolean isEnd() {
        return offset == -1;
    }
}
