package io.crashpipe.parsers.memory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the most recently read pages of another {@link PhysicalMemory}, so that many small reads
 * (page-table entries, struct fields) do not decompress the same dump page again and again.
 * Bounded by a page count given by the caller, never by the dump's size. Unavailable pages are
 * not cached: a streaming source may deliver them later.
 */
public final class CachingPhysicalMemory implements PhysicalMemory {
    private final PhysicalMemory source;
    private final int pageSize;
    private final Map<Long, byte[]> pages;

    public CachingPhysicalMemory(PhysicalMemory source, int maxPages) {
        this.source = source;
        this.pageSize = source.pageSize();
        this.pages = new LinkedHashMap<>(Math.min(maxPages, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) {
                return size() > maxPages;
            }
        };
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long a = paddr + done;
            long pfn = Long.divideUnsigned(a, pageSize);
            int inPage = (int) Long.remainderUnsigned(a, pageSize);
            int n = Math.min(len - done, pageSize - inPage);
            byte[] page;
            synchronized (pages) {
                page = pages.get(pfn);
            }
            if (page == null) {
                page = new byte[pageSize];
                if (source.tryRead(pfn * pageSize, page, 0, pageSize) instanceof Unavailable u) {
                    return u.pfn() == pfn ? Unavailable.physical(a, pfn, u.reason(), u.detail()) : u;
                }
                synchronized (pages) {
                    pages.put(pfn, page);
                }
            }
            System.arraycopy(page, inPage, dst, off + done, n);
            done += n;
        }
        return ReadResult.OK;
    }
}
