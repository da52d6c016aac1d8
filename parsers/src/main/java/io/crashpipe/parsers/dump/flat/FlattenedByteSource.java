package io.crashpipe.parsers.dump.flat;

import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A flattened dump seen as the kdump-compressed file it encodes, without rewriting it: one
 * scan indexes every record (about one per 64 KiB of dump, 24 bytes of index each), then reads
 * at a virtual offset are served from the records that cover it. Bytes no record covers read
 * as zero, as in the file makedumpfile -R would produce.
 */
public final class FlattenedByteSource implements ByteSource {
    private final ByteSource flat;
    private final long[] start;
    private final long[] length;
    private final long[] flatPos;
    private final long maxLength;
    private final long size;
    private final boolean ended;

    private FlattenedByteSource(ByteSource flat, long[] start, long[] length, long[] flatPos, boolean ended) {
        this.flat = flat;
        this.start = start;
        this.length = length;
        this.flatPos = flatPos;
        this.ended = ended;
        long max = 0;
        long end = 0;
        for (int i = 0; i < start.length; i++) {
            max = Math.max(max, length[i]);
            end = Math.max(end, start[i] + length[i]);
        }
        this.maxLength = max;
        this.size = end;
    }

    /** Indexes the flattened file {@code flat}; the returned source owns it. */
    public static FlattenedByteSource index(ByteSource flat) throws IOException {
        byte[] head = new byte[FlattenedHeader.SIZE];
        int headLen = (int) Math.min(FlattenedHeader.SIZE, flat.size());
        flat.readFully(0, head, 0, headLen, "flattened header");
        FlattenedHeader.validate(head, headLen, flat.name());
        record Entry(long start, long length, long flatPos, int seq) {}
        List<Entry> entries = new ArrayList<>();
        long pos = FlattenedHeader.SIZE;
        long fileSize = flat.size();
        byte[] rh = new byte[FlatRecord.SIZE];
        boolean ended = false;
        while (pos + FlatRecord.SIZE <= fileSize) {
            flat.readFully(pos, rh, 0, FlatRecord.SIZE, "flattened record header");
            FlatRecord r = FlatRecord.parse(rh, flat.name(), pos);
            if (r.isEnd()) {
                ended = true;
                break;
            }
            long data = pos + FlatRecord.SIZE;
            // A record cut by the end of the file keeps what it has (a dump cut short).
            long have = Math.min(r.size(), fileSize - data);
            if (have > 0) {
                entries.add(new Entry(r.offset(), have, data, entries.size()));
            }
            pos = data + r.size();
        }
        // makedumpfile does not write overlapping records; if some overlap, the later-starting one
        // (then the later-written one) wins, since reads apply them in this order.
        entries.sort(Comparator.comparingLong(Entry::start).thenComparingInt(Entry::seq));
        long[] s = new long[entries.size()];
        long[] l = new long[entries.size()];
        long[] f = new long[entries.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = entries.get(i).start();
            l[i] = entries.get(i).length();
            f[i] = entries.get(i).flatPos();
        }
        return new FlattenedByteSource(flat, s, l, f, ended);
    }

    /** False when the stream had no end marker: the dump was cut short. */
    public boolean complete() {
        return ended;
    }

    public int recordCount() {
        return start.length;
    }

    @Override
    public String name() {
        return flat.name();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long offset, byte[] dst, int off, int len, String what) throws IOException {
        if (offset < 0 || offset + len > size) {
            throw new DumpFormatException(name(), offset, len + " bytes of " + what
                    + " inside the flattened dump's content", "content of " + size + " bytes");
        }
        Arrays.fill(dst, off, off + len, (byte) 0);
        long end = offset + len;
        // First record that could overlap: starts after offset - maxLength.
        int i = firstStartingAtOrAfter(offset - maxLength);
        for (; i < start.length && start[i] < end; i++) {
            long s = Math.max(start[i], offset);
            long e = Math.min(start[i] + length[i], end);
            if (s < e) {
                flat.readFully(flatPos[i] + (s - start[i]), dst, off + (int) (s - offset), (int) (e - s), what);
            }
        }
    }

    /** The bytes of [offset, offset + len) that records carry. Records do not overlap in makedumpfile's output; overlaps count twice. */
    @Override
    public long bytesHeld(long offset, long len) {
        long end = offset + len;
        long held = 0;
        for (int i = firstStartingAtOrAfter(offset - maxLength); i < start.length && start[i] < end; i++) {
            held += Math.max(0, Math.min(start[i] + length[i], end) - Math.max(start[i], offset));
        }
        return Math.min(held, len);
    }

    private int firstStartingAtOrAfter(long x) {
        int lo = 0;
        int hi = start.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public void close() throws IOException {
        flat.close();
    }
}
