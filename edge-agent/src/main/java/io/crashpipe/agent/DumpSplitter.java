package io.crashpipe.agent;

import java.io.IOException;
import java.util.HexFormat;
import java.util.function.LongPredicate;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;

/**
 * Turns a dump's pages into page-chunk events, one chunk in memory at a time, in a
 * {@link SplitOrder}: by default the hot pages first (the chunks made only of the present pages
 * the extractors read, in pfn order), then every other present page in pfn order; or plain pfn
 * order. Both passes partition the same walk over the dump's present pages, so every present
 * page goes out exactly once. Chunking depends only on the dump's content and the order, so the
 * same dump in the same order always yields the same sequence numbers: that is what makes resume
 * and re-upload idempotent. Pages that cannot be read (corrupt in the file) are left out and
 * counted; the consumer treats them as missing.
 *
 * <p>The checksum is chained per chunk, so that a walk can restart from a {@link SplitCursor}:
 * {@code c = sha256(c || sha256(pfn as 8 bytes little-endian, page bytes, ... of the chunk's payload pages))}
 * for each chunk in sequence order, starting from 32 zero bytes.
 */
public final class DumpSplitter {
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

    /** Receives each chunk still to be sent, payload uncompressed ({@link #compress} before sending). */
    public interface ChunkSink {
        void accept(PageChunk chunk) throws IOException, InterruptedException;

        /** The chunk with the cursor right after it (to checkpoint with its acknowledgement). */
        default void accept(PageChunk chunk, SplitCursor after) throws IOException, InterruptedException {
            accept(chunk);
        }

        /**
         * The chunk with its link of the checksum chain, whose {@link ChunkChain#after()} is the
         * cursor right after it. By default the link is computed here, on the reading thread; a
         * sink that hands chunks to other threads computes it there (before it gives the payload
         * array back to {@link #payloadBuffers}).
         */
        default void accept(PageChunk chunk, ChunkChain link) throws IOException, InterruptedException {
            accept(chunk, link.after());
        }

        /** Where chunk payloads are built; unpooled by default (each chunk keeps its own copy). */
        default PayloadBuffers payloadBuffers(int capacity) {
            return PayloadBuffers.unpooled(capacity);
        }
    }

    /** Decides whether a sequence number still has to be sent. */
    public interface SentFilter {
        boolean alreadySent(int sequence);
    }

    /**
     * What a full pass produced.
     *
     * @param sealed chunk count, page counts and the chained checksum over pfn and data of every
     *        page with data, in chunk order
     * @param hotChunks the first {@code hotChunks} chunks (sequences {@code 0..hotChunks-1}) hold
     *        only hot pages; 0 in pfn order
     * @param hotPages readable hot pages (with data or all-zero) in those chunks
     */
    public record Result(DumpSealed sealed, long unreadablePages, long payloadBytes, int hotChunks, long hotPages) {

        /** The result a finished walk's last cursor stands for. */
        static Result of(String dumpId, SplitCursor end) {
            DumpSealed sealed = DumpSealed.newBuilder().setDumpId(dumpId).setChunkCount(end.nextSequence())
                    .setPageCount(end.pages()).setZeroPageCount(end.zeros())
                    .setPageDataSha256(HexFormat.of().formatHex(end.chain())).build();
            return new Result(sealed, end.unreadable(), end.payloadBytes(), end.hotChunks(), end.hotPages());
        }
    }

    private DumpSplitter() {}

    /** The chunk as it goes on the wire: payload zstd-compressed. */
    public static PageChunk compress(PageChunk raw) {
        return ChunkBuilder.compressed(raw);
    }

    /** Splits hot pages first (computing the hot set now; pfn order if it cannot be computed). */
    public static Result split(String dumpId, Dump dump, SentFilter sent, ChunkSink sink) throws IOException, InterruptedException {
        return split(dumpId, dump, SplitOrder.forDump(dump, true), sent, sink);
    }

    public static Result split(String dumpId, Dump dump, SplitOrder order, SentFilter sent, ChunkSink sink)
            throws IOException, InterruptedException {
        return split(dumpId, dump, order, SplitCursor.start(), sent, sink);
    }

    /**
     * Splits from {@code from} on (a cursor this dump's walk in this order produced): pages before
     * it are not read, and the result is the same as a walk from the start.
     */
    public static Result split(String dumpId, Dump dump, SplitOrder order, SplitCursor from, SentFilter sent,
            ChunkSink sink) throws IOException, InterruptedException {
        Pass pass = new Pass(dumpId, dump, sent, sink, from);
        if (order.hotPfnCount() > 0 && pass.phase == 0) {
            pass.walk(order::isHot);
            // the rest starts from the first pfn; the last hot chunk holds only hot pages, even if not full
            pass.hotChunks = pass.seq + (pass.chunk.isEmpty() ? 0 : 1);
            pass.hotPages = pass.pages + pass.zeros;
            pass.phase = 1;
            pass.nextPfn = 0;
            pass.flush();
        }
        pass.phase = 1;
        pass.walk(order.hotPfnCount() > 0 ? pfn -> !order.isHot(pfn) : pfn -> true);
        pass.flush();
        return Result.of(dumpId, pass.cursor());
    }

    private static final class Abort extends RuntimeException {
        Abort(Exception cause) {
            super(cause);
        }
    }

    /** One run over the dump: the chunk being filled, the checksum and the counters. */
    private static final class Pass {
        final String dumpId;
        final Dump dump;
        final SentFilter sent;
        final ChunkSink sink;
        final int pageSize;
        final ChunkBuilder chunk;
        final byte[] page;
        ChunkChain last;
        int phase;
        long nextPfn;
        long pages;
        long zeros;
        long unreadable;
        long payload;
        int seq;
        int hotChunks;
        long hotPages;

        Pass(String dumpId, Dump dump, SentFilter sent, ChunkSink sink, SplitCursor from) {
            this.dumpId = dumpId;
            this.dump = dump;
            this.sent = sent;
            this.sink = sink;
            this.pageSize = dump.pageSize();
            this.chunk = new ChunkBuilder(pageSize, MAX_PAYLOAD_BYTES,
                    sink.payloadBuffers(ChunkBuilder.payloadCapacity(pageSize, MAX_PAYLOAD_BYTES)));
            this.page = new byte[pageSize];
            this.phase = from.phase();
            this.nextPfn = from.nextPfn();
            this.seq = from.nextSequence();
            this.pages = from.pages();
            this.zeros = from.zeros();
            this.unreadable = from.unreadable();
            this.payload = from.payloadBytes();
            this.hotChunks = from.hotChunks();
            this.hotPages = from.hotPages();
            this.last = ChunkChain.start(from.chain());
        }

        /** Where the walk stands; its checksum waits for the chunks given out so far to be hashed. */
        SplitCursor cursor() {
            return new SplitCursor(phase, nextPfn, seq, pages, zeros, unreadable, payload, hotChunks, hotPages,
                    last.chain().clone());
        }

        private SplitCursor cursorWithoutChain() {
            return new SplitCursor(phase, nextPfn, seq, pages, zeros, unreadable, payload, hotChunks, hotPages, null);
        }

        /** Adds, in walk (pfn) order, every present page from {@code nextPfn} on that {@code include} accepts. */
        void walk(LongPredicate include) throws IOException, InterruptedException {
            long from = nextPfn;
            try {
                dump.forEachPresentPfn(pfn -> {
                    if (pfn < from || !include.test(pfn)) {
                        return;
                    }
                    try {
                        add(pfn);
                    } catch (IOException | InterruptedException e) {
                        throw new Abort(e); // the pfn walk takes no checked exceptions: carry it out
                    }
                });
            } catch (Abort a) {
                if (a.getCause() instanceof InterruptedException ie) {
                    throw ie;
                }
                throw (IOException) a.getCause();
            }
        }

        private void add(long pfn) throws IOException, InterruptedException {
            ReadResult r = dump.readPage(pfn, page);
            nextPfn = pfn + 1;
            if (!(r instanceof ReadResult.Ok)) {
                unreadable++;
                return;
            }
            if (chunk.add(pfn, page)) {
                zeros++;
            } else {
                pages++;
            }
            if (chunk.isFull()) {
                emit();
            }
        }

        void flush() throws IOException, InterruptedException {
            if (!chunk.isEmpty()) {
                emit();
            }
        }

        private void emit() throws IOException, InterruptedException {
            int s = seq++;
            boolean skip = sent.alreadySent(s);
            // a chunk not sent is hashed here, while the builder still holds its pages
            byte[] digest = skip ? ChunkChain.digestOf(chunk.payloadSoFar(), chunk.pageRunsSoFar(), pageSize) : null;
            PageChunk c = chunk.build(dumpId, s, skip);
            payload += c.getUncompressedSize();
            last = skip ? last.next(cursorWithoutChain(), digest)
                    : last.next(cursorWithoutChain(), c.getPayload(), c.getPages(), pageSize);
            if (!skip) {
                sink.accept(c, last);
            }
        }
    }
}
