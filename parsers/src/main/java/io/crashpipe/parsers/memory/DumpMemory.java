package io.crashpipe.parsers.memory;

import io.crashpipe.parsers.dump.Dump;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The physical memory of a dump file, with a small cache of decoded pages: kernel data
 * structures are read a few bytes at a time and compressed pages are expensive to decode.
 * The cache holds at most {@code cachePages} pages, whatever the dump's size.
 */
public final class DumpMemory implements PhysicalMemory {
    public static final int DEFAULT_CACHE_PAGES = 1024;

    private final Dump dump;
    private final int pageSize;
    private final Map<Long, byte[]> cache;

    public DumpMemory(Dump dump) {
        this(dump, DEFAULT_CACHE_PAGES);
    }

    public DumpMemory(Dump dump, int cachePages) {
        this.dump = dump;
        this.pageSize = dump.pageSize();
        this.cache = new LinkedHashMap<>(cachePages * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) {
                return size() > cachePages;
            }
        };
    }

    public Dump dump() {
        return dump;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
        long pos = paddr;
        int done = 0;
        while (done < len) {
            long pfn = Long.divideUnsigned(pos, pageSize);
            int inPage = (int) Long.remainderUnsigned(pos, pageSize);
            int n = Math.min(len - done, pageSize - inPage);
            byte[] page;
            synchronized (cache) {
                page = cache.get(pfn);
            }
            if (page == null) {
                page = new byte[pageSize];
                ReadResult r = dump.readPage(pfn, page);
                if (r instanceof Unavailable u) {
                    return Unavailable.physical(pos, pfn, u.reason(), u.detail());
                }
                synchronized (cache) {
                    cache.put(pfn, page);
                }
            }
            System.arraycopy(page, inPage, dst, off + done, n);
            done += n;
            pos += n;
        }
        return ReadResult.OK;
    }
}
