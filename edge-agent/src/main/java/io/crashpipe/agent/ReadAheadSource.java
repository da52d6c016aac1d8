package io.crashpipe.agent;

import java.io.IOException;
import java.nio.file.Path;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.FileByteSource;

/**
 * A dump file read through one window of read-ahead. The splitter walks pages in file order and
 * reads them a page at a time: without the window that is one system call (and two copies) per
 * 4 KiB, 16 million of them for a 64 GiB dump; with it, one per MiB. Reads larger than half the
 * window, or outside it, go straight to the file. Thread-safe (one lock); the agent reads a dump
 * from one thread.
 */
final class ReadAheadSource implements ByteSource {
    static final int WINDOW = 1 << 20;

    private final ByteSource file;
    private final long size;
    private final byte[] window = new byte[WINDOW];
    private long windowStart = -1;
    private int windowLength;

    ReadAheadSource(ByteSource file) throws IOException {
        this.file = file;
        this.size = file.size();
    }

    /** Opens a dump file through a read-ahead window. */
    static Dump open(Path path) throws IOException {
        if (!java.nio.file.Files.isRegularFile(path)) {
            return Dumps.open(path); // its own clear error for a missing file or a directory
        }
        ReadAheadSource src = new ReadAheadSource(new FileByteSource(path));
        try {
            return Dumps.open(src);
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized void readFully(long offset, byte[] dst, int off, int len, String what) throws IOException {
        if (len > WINDOW / 2 || offset < 0 || offset + len > size) {
            file.readFully(offset, dst, off, len, what); // and its errors, naming the offset
            return;
        }
        if (offset < windowStart || offset + len > windowStart + windowLength) {
            int n = (int) Math.min(WINDOW, size - offset);
            file.readFully(offset, window, 0, n, what);
            windowStart = offset;
            windowLength = n;
        }
        System.arraycopy(window, (int) (offset - windowStart), dst, off, len);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
