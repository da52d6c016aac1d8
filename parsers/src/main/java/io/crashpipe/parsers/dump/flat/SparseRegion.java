package io.crashpipe.parsers.dump.flat;

import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The metadata region of a flattened stream as a random-access source of {@code size} bytes,
 * held in 4 KiB pages allocated as records write them; bytes never written read as zero. Memory
 * follows what has arrived, never the size or the offsets a (possibly damaged) header declares.
 */
final class SparseRegion implements ByteSource {
    private static final int PAGE = 4096;

    private final String name;
    private final long size;
    private final Map<Long, byte[]> pages = new HashMap<>();

    SparseRegion(String name, long size) {
        this.name = name;
        this.size = size;
    }

    /** Copies {@code len} bytes of {@code data} from {@code from} to {@code offset} (inside the region). */
    void write(long offset, byte[] data, int from, int len) {
        for (int done = 0; done < len; ) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int n = Math.min(len - done, PAGE - inPage);
            System.arraycopy(data, from + done, pages.computeIfAbsent(at / PAGE, p -> new byte[PAGE]), inPage, n);
            done += n;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long offset, byte[] dst, int off, int len, String what) throws DumpFormatException {
        if (offset < 0 || len < 0 || offset + len > size) {
            throw new DumpFormatException(name, offset, len + " bytes of " + what, "end of the metadata region");
        }
        for (int done = 0; done < len; ) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int n = Math.min(len - done, PAGE - inPage);
            byte[] page = pages.get(at / PAGE);
            if (page == null) {
                Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            } else {
                System.arraycopy(page, inPage, dst, off + done, n);
            }
            done += n;
        }
    }

    @Override
    public void close() {}
}
