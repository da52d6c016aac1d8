package io.crashpipe.parsers.fuzz;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fuzz input cut into segments, each a little-endian u16 length and that many bytes (the last
 * one may be cut short by the end of the input). The in-memory readers' targets map each segment
 * at its own kernel address, so the tables a reader follows sit back to back in the input
 * instead of kilobytes of zeros apart: every mutation lands on a byte the reader looks at.
 */
public record FuzzSegments(List<byte[]> segments) {

    /** The first {@code count} segments of {@code data} from {@code from}; missing ones are empty. */
    public static FuzzSegments split(byte[] data, int from, int count) {
        List<byte[]> out = new ArrayList<>(count);
        int at = from;
        for (int i = 0; i < count; i++) {
            if (at + 2 > data.length) {
                out.add(new byte[0]);
                at = data.length;
                continue;
            }
            int len = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8;
            int start = at + 2;
            int end = (int) Math.min(data.length, (long) start + len);
            out.add(Arrays.copyOfRange(data, start, end));
            at = end;
        }
        return new FuzzSegments(out);
    }

    /** The input {@link #split} cuts back into {@code segments} (for writing seeds). */
    public static byte[] join(byte[]... segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] s : segments) {
            if (s.length > 0xffff) {
                throw new IllegalArgumentException("segment of " + s.length + " bytes, at most 65535");
            }
            out.write(s.length & 0xff);
            out.write(s.length >>> 8);
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    public byte[] get(int i) {
        return segments.get(i);
    }

    /**
     * Kernel memory holding segment i at {@code bases[i]} and nothing else. Like a page in a
     * dump, a segment reads up to its next 4 KiB boundary, as zeros past its bytes: readers that
     * fetch whole pages (the kallsyms search) see the page, not a fault.
     */
    public VirtualMemory map(long... bases) {
        return (vaddr, dst, off, len) -> {
            for (int i = 0; i < bases.length && i < segments.size(); i++) {
                byte[] s = segments.get(i);
                long mapped = (s.length + PAGE - 1) & -PAGE;
                long rel = vaddr - bases[i];
                if (rel >= 0 && rel < mapped) {
                    if (rel + len > mapped) {
                        return new Unavailable(bases[i] + mapped, true, -1, Unavailable.Reason.NOT_MAPPED,
                                "past fuzz segment " + i);
                    }
                    int n = (int) Math.max(0, Math.min(len, s.length - rel));
                    if (n > 0) {
                        System.arraycopy(s, (int) rel, dst, off, n);
                    }
                    Arrays.fill(dst, off + n, off + len, (byte) 0);
                    return ReadResult.OK;
                }
            }
            return new Unavailable(vaddr, true, -1, Unavailable.Reason.NOT_MAPPED, "outside the fuzz segments");
        };
    }

    private static final long PAGE = 4096;
}
