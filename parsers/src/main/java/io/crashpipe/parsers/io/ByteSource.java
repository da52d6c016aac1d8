package io.crashpipe.parsers.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Positional, thread-safe reads from something file-like: a dump file, or a flattened dump
 * seen through its record index. Errors name {@link #name()} and the offset.
 */
public interface ByteSource extends Closeable {

    /** A name for messages, usually the file path. */
    String name();

    long size() throws IOException;

    /** Reads exactly {@code len} bytes at {@code offset}, or throws naming what was expected. */
    void readFully(long offset, byte[] dst, int off, int len, String what) throws IOException;

    /**
     * How many of the {@code len} bytes at {@code offset} the source really holds. A file holds
     * every byte below its size; a flattened dump only what its records carry (the rest reads as
     * zero), so a small damaged file cannot pass gigabytes of nothing off as data.
     */
    default long bytesHeld(long offset, long len) throws IOException {
        return Math.max(0, Math.min(offset + len, size()) - Math.max(0, offset));
    }

    /** Reads {@code len} bytes into a new little-endian buffer. */
    default ByteBuffer readLE(long offset, int len, String what) throws IOException {
        byte[] b = new byte[len];
        readFully(offset, b, 0, len, what);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
