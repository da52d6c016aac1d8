package io.crashpipe.parsers.testing;

import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;

/** A dump file held in memory (fuzz inputs, patched fixtures): reads past the end fail as a short file does. */
public record ByteArraySource(String name, byte[] bytes) implements ByteSource {
    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void readFully(long offset, byte[] dst, int off, int len, String what) throws DumpFormatException {
        if (offset < 0 || len < 0 || offset > bytes.length - (long) len) {
            throw new DumpFormatException(name, offset, len + " bytes of " + what, "the end of the file at " + bytes.length);
        }
        System.arraycopy(bytes, (int) offset, dst, off, len);
    }

    @Override
    public void close() {}
}
