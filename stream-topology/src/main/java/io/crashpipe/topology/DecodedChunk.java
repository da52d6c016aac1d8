package io.crashpipe.topology;

import java.util.Arrays;
import java.util.List;

/**
 * The pages of one chunk, decompressed: {@code pages} are laid out back to back in {@code data} in
 * span order; {@code zeroPages} are present and all zero, so they carry no bytes.
 */
public final class DecodedChunk {
    private final List<PfnSpan> pages;
    private final List<PfnSpan> zeroPages;
    private final byte[] data;
    private final int pageSize;
    private final long[] spanStartIndex;

    public DecodedChunk(List<PfnSpan> pages, List<PfnSpan> zeroPages, byte[] data, int pageSize) {
        this.pages = List.copyOf(pages);
        this.zeroPages = List.copyOf(zeroPages);
        this.data = data;
        this.pageSize = pageSize;
        this.spanStartIndex = new long[pages.size()];
        long n = 0;
        for (int i = 0; i < pages.size(); i++) {
            spanStartIndex[i] = n;
            n += pages.get(i).count();
        }
        if (n * pageSize != data.length) {
            throw new IllegalArgumentException("chunk payload of " + data.length + " bytes does not hold " + n
                    + " pages of " + pageSize + " bytes");
        }
    }

    public List<PfnSpan> pages() {
        return pages;
    }

    public List<PfnSpan> zeroPages() {
        return zeroPages;
    }

    /** Bytes this chunk holds in memory (for the cache's budget). */
    public int weight() {
        return data.length + 64 * (pages.size() + zeroPages.size());
    }

    /**
     * Copies page {@code pfn} into {@code dst} at {@code off}.
     *
     * @return false when this chunk does not carry that page
     */
    public boolean copyPage(long pfn, byte[] dst, int off) {
        for (int i = 0; i < pages.size(); i++) {
            PfnSpan s = pages.get(i);
            if (s.contains(pfn)) {
                long index = spanStartIndex[i] + (pfn - s.start());
                System.arraycopy(data, (int) (index * pageSize), dst, off, pageSize);
                return true;
            }
        }
        for (PfnSpan s : zeroPages) {
            if (s.contains(pfn)) {
                Arrays.fill(dst, off, off + pageSize, (byte) 0);
                return true;
            }
        }
        return false;
    }
}
