package io.crashpipe.topology;

import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.util.Optional;

/**
 * A dump's physical memory as far as its chunks have arrived. A page no chunk has carried yet is
 * {@link Unavailable.Reason#NOT_YET_ARRIVED} until the dump is sealed, then excluded for good:
 * that is what lets extractors wait instead of fail.
 */
public final class StreamedMemory implements PhysicalMemory {
    private final String dumpId;
    private final int pageSize;
    private final PageIndex index;
    private final ChunkCache cache;
    private final ChunkSource source;
    /** No page will arrive any more: a page not indexed now is excluded for good. */
    private volatile boolean sealed;
    private final byte[] page;
    /** The span the last read used: reads cluster (a ring buffer, a table), so most hit it again. */
    private PageIndex.Entry last;

    public StreamedMemory(String dumpId, int pageSize, PageIndex index, ChunkCache cache, ChunkSource source,
            boolean sealed) {
        this.dumpId = dumpId;
        this.pageSize = pageSize;
        this.index = index;
        this.cache = cache;
        this.source = source;
        this.sealed = sealed;
        this.page = new byte[pageSize];
    }

    /**
     * Whether pages may still arrive; one memory serves every pass over the dump (its kernel view
     * and the structures built from it are kept), so the last pass after the seal sets this.
     */
    public void sealed(boolean noMorePages) {
        this.sealed = noMorePages;
    }

    public boolean sealed() {
        return sealed;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
        while (len > 0) {
            long pfn = Long.divideUnsigned(paddr, pageSize);
            int inPage = (int) Long.remainderUnsigned(paddr, pageSize);
            int n = Math.min(len, pageSize - inPage);
            Optional<PageIndex.Entry> e = last != null && last.span().contains(pfn) ? Optional.of(last)
                    : index.locate(dumpId, pfn);
            e.ifPresent(found -> last = found);
            if (e.isEmpty()) {
                return Unavailable.physical(paddr, pfn,
                        sealed ? Unavailable.Reason.EXCLUDED : Unavailable.Reason.NOT_YET_ARRIVED,
                        sealed ? "no chunk of the sealed dump carries this page" : "");
            }
            if (e.get().zero()) {
                java.util.Arrays.fill(dst, off, off + n, (byte) 0);
            } else {
                DecodedChunk chunk = chunk(e.get().chunk());
                if (!chunk.copyPage(pfn, page, 0)) {
                    return Unavailable.physical(paddr, pfn, Unavailable.Reason.CORRUPT,
                            "the page index points at a chunk that does not carry this page");
                }
                System.arraycopy(page, inPage, dst, off, n);
            }
            paddr += n;
            off += n;
            len -= n;
        }
        return ReadResult.OK;
    }

    private DecodedChunk chunk(ChunkLocation where) {
        DecodedChunk c = cache.get(where);
        if (c == null) {
            c = source.load(where);
            cache.put(where, c);
        }
        return c;
    }
}
