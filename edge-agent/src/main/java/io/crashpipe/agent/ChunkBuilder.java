package io.crashpipe.agent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;

/**
 * Collects pages for one chunk: payload pages (in pfn order, as runs) and zero pages (elided,
 * as runs). Full when the payload reaches its page budget or the run lists grow too long.
 */
final class ChunkBuilder {
    static final int MAX_RUNS = 2048;

    private final int pageSize;
    private final int maxPages;
    private final PayloadBuffers buffers;
    private byte[] buffer;
    private final List<PfnRun> pages = new ArrayList<>();
    private final List<PfnRun> zeros = new ArrayList<>();
    private int pageCount;
    private int zeroCount;

    ChunkBuilder(int pageSize, int maxPayloadBytes) {
        this(pageSize, maxPayloadBytes, PayloadBuffers.unpooled(payloadCapacity(pageSize, maxPayloadBytes)));
    }

    /** With the payload arrays from {@code buffers} (each {@link #payloadCapacity} bytes). */
    ChunkBuilder(int pageSize, int maxPayloadBytes, PayloadBuffers buffers) {
        this.pageSize = pageSize;
        this.maxPages = Math.max(1, maxPayloadBytes / pageSize);
        this.buffers = buffers;
    }

    /** The size of the arrays a chunk's payload is built in. */
    static int payloadCapacity(int pageSize, int maxPayloadBytes) {
        return Math.max(1, maxPayloadBytes / pageSize) * pageSize;
    }

    boolean isEmpty() {
        return pageCount == 0 && zeroCount == 0;
    }

    boolean isFull() {
        return pageCount >= maxPages || pages.size() >= MAX_RUNS || zeros.size() >= MAX_RUNS;
    }

    /** Adds a page; returns true if it was all zero (and so elided). Waits for a free payload array if it must. */
    boolean add(long pfn, byte[] page) throws InterruptedException {
        if (Arrays.mismatch(page, 0, pageSize, ZERO.get(pageSize), 0, pageSize) == -1) {
            extend(zeros, pfn);
            zeroCount++;
            return true;
        }
        if (buffer == null) {
            buffer = buffers.take();
        }
        System.arraycopy(page, 0, buffer, pageCount * pageSize, pageSize);
        extend(pages, pfn);
        pageCount++;
        return false;
    }

    /** The uncompressed payload so far (valid until the next build). */
    ByteBuffer payloadSoFar() {
        return buffer == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(buffer, 0, payloadLength());
    }

    /** The payload pages' runs so far (valid until the next build). */
    List<PfnRun> pageRunsSoFar() {
        return pages;
    }

    int payloadLength() {
        return pageCount * pageSize;
    }

    /**
     * Builds the event with its payload uncompressed (compression is left to the upload
     * workers, so it runs in parallel with reading); no payload if {@code skipPayload}. With
     * pooled buffers the payload is the filled array itself, to be given back once the chunk
     * was compressed and hashed; else an exact-size copy.
     */
    PageChunk build(String dumpId, int sequence, boolean skipPayload) {
        int len = payloadLength();
        ByteBuffer payload;
        if (skipPayload || len == 0) {
            payload = ByteBuffer.allocate(0);
        } else if (buffers.pooled()) {
            payload = ByteBuffer.wrap(buffer, 0, len);
            buffer = null; // the next payload page takes a fresh array
        } else {
            payload = ByteBuffer.wrap(Arrays.copyOf(buffer, len));
        }
        // the all-fields constructor keeps these fresh lists instead of copying them again
        PageChunk c = new PageChunk(dumpId, sequence, List.copyOf(pages), List.copyOf(zeros), ChunkCodec.NONE, len, payload);
        pages.clear();
        zeros.clear();
        pageCount = 0;
        zeroCount = 0;
        return c;
    }

    /** The chunk with its payload zstd-compressed, as sent (a one-off {@link ChunkCompressor}). */
    static PageChunk compressed(PageChunk raw) {
        try (ChunkCompressor z = new ChunkCompressor(raw.getPayload().remaining())) {
            return z.compress(raw); // its output array is not reused: this compressor is not called again
        }
    }

    private static void extend(List<PfnRun> runs, long pfn) {
        if (!runs.isEmpty()) {
            PfnRun last = runs.get(runs.size() - 1);
            if (last.getStartPfn() + last.getCount() == pfn && last.getCount() < Integer.MAX_VALUE) {
                last.setCount(last.getCount() + 1);
                return;
            }
        }
        runs.add(new PfnRun(pfn, 1));
    }

    private static final ThreadLocal<byte[]> ZERO_PAGE = new ThreadLocal<>();

    /** A shared all-zero page of the right size. */
    private static final class ZERO {
        static byte[] get(int size) {
            byte[] z = ZERO_PAGE.get();
            if (z == null || z.length < size) {
                z = new byte[size];
                ZERO_PAGE.set(z);
            }
            return z;
        }
    }
}
