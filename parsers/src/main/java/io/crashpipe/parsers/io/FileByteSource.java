package io.crashpipe.parsers.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A regular file read with positional reads (safe to share between threads). */
public final class FileByteSource implements ByteSource {
    private final Path path;
    private final FileChannel channel;

    public FileByteSource(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void readFully(long offset, byte[] dst, int off, int len, String what) throws IOException {
        if (offset < 0) {
            throw new DumpFormatException(name(), offset, what + " at a non-negative offset", "a negative offset");
        }
        ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new DumpFormatException(name(), offset, len + " bytes of " + what,
                        "end of file after " + (pos - offset) + " bytes (file size " + channel.size() + ")");
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
