package io.crashpipe.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.FileByteSource;

/**
 * A dump file read through one window of read-ahead. The splitter walks pages in file order and
 * reads them a page at a time: without the window that is one system call (and two copies) per
 * 4 KiB, 16 million of them for a 64 GiB dump; with it, one per MiB. The window is a direct
 * buffer filled straight from the file's channel: a heap array would cost one more copy of every
 * byte of the dump (the JDK reads into a temporary direct buffer and copies), and most of a big
 * dump's bytes are zero pages that are only looked at once. Reads larger than half the window, or
 * outside the file, go to the file's own reader (and its errors, naming the offset). Thread-safe
 * (one lock); the agent reads a dump from one thread.
 */
final class ReadAheadSource implements ByteSource {
    static final int WINDOW = 1 << 20;

    private final ByteSource file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer window = ByteBuffer.allocateDirect(WINDOW);
    private long windowStart = -1;
    private int windowLength;

    ReadAheadSource(Path path) throws IOException {
        this.file = new FileByteSource(path);
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.size = file.size();
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Opens a dump file through a read-ahead window. */
    static Dump open(Path path) throws IOException {
        if (!java.nio.file.Files.isRegularFile(path)) {
            return Dumps.open(path); // its own clear error for a missing file or a directory
        }
        ReadAheadSource src = new ReadAheadSource(path);
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
        if ((offset < windowStart || offset + len > windowStart + windowLength) && !fill(offset)) {
            file.readFully(offset, dst, off, len, what); // the file shrank: its reader names the offset
            return;
        }
        window.get((int) (offset - windowStart), dst, off, len);
    }

    /** Moves the window to start at {@code offset}; false if the file ended before the window did. */
    private boolean fill(long offset) throws IOException {
        int n = (int) Math.min(WINDOW, size - offset);
        windowStart = -1;
        windowLength = 0;
        window.clear().limit(n);
        while (window.hasRemaining()) {
            if (channel.read(window, offset + window.position()) < 0) {
                return false;
            }
        }
        windowStart = offset;
        windowLength = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            file.close();
        }
    }
}
