package io.crashpipe.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;

/**
 * Turns a dump's pages into page-chunk events, in pfn order, one chunk in memory at a time.
 * Chunking depends only on the dump's content, so the same dump always yields the same
 * sequence numbers: that is what makes resume and re-upload idempotent. Pages that cannot be
 * read (corrupt in the file) are left out and counted; the consumer treats them as missing.
 */
public final class DumpSplitter {
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

    /** Receives each chunk still to be sent, payload uncompressed ({@link #compress} before sending). */
    public interface ChunkSink {
        void accept(PageChunk chunk) throws IOException, InterruptedException;
    }

    /** Decides whether a sequence number still has to be sent. */
    public interface SentFilter {
        boolean alreadySent(int sequence);
    }

    /** What a full pass produced. */
    public record Result(DumpSealed sealed, long unreadablePages, long payloadBytes) {}

    private DumpSplitter() {}

    /** The chunk as it goes on the wire: payload zstd-compressed. */
    public static PageChunk compress(PageChunk raw) {
        return ChunkBuilder.compressed(raw);
    }

    private static final class Abort extends RuntimeException {
        Abort(Exception cause) {
            super(cause);
        }
    }

    public static Result split(String dumpId, Dump dump, SentFilter sent, ChunkSink sink) throws IOException, InterruptedException {
        int pageSize = dump.pageSize();
        ChunkBuilder chunk = new ChunkBuilder(pageSize, MAX_PAYLOAD_BYTES);
        MessageDigest sha = DumpId.sha256();
        byte[] page = new byte[pageSize];
        ByteBuffer pfnBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long[] counters = new long[3]; // pages, zero pages, unreadable
        int[] seq = {0};
        long[] payload = {0};
        try {
            dump.forEachPresentPfn(pfn -> {
            ReadResult r = dump.readPage(pfn, page);
            if (!(r instanceof ReadResult.Ok)) {
                counters[2]++;
                return;
            }
            if (chunk.add(pfn, page)) {
                counters[1]++;
            } else {
                counters[0]++;
                sha.update(pfnBytes.clear().putLong(pfn).array());
                sha.update(page, 0, pageSize);
            }
            if (chunk.isFull()) {
                try {
                    payload[0] += emit(dumpId, chunk, seq[0]++, sent, sink);
                } catch (IOException | InterruptedException e) {
                    throw new Abort(e); // the pfn walk takes no checked exceptions: carry it out
                }
            }
            });
        } catch (Abort a) {
            if (a.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw (IOException) a.getCause();
        }
        if (!chunk.isEmpty()) {
            payload[0] += emit(dumpId, chunk, seq[0]++, sent, sink);
        }
        DumpSealed sealed = DumpSealed.newBuilder().setDumpId(dumpId).setChunkCount(seq[0])
                .setPageCount(counters[0]).setZeroPageCount(counters[1])
                .setPageDataSha256(HexFormat.of().formatHex(sha.digest())).build();
        return new Result(sealed, counters[2], payload[0]);
    }

    private static long emit(String dumpId, ChunkBuilder chunk, int seq, SentFilter sent, ChunkSink sink)
            throws IOException, InterruptedException {
        boolean skip = sent.alreadySent(seq);
        PageChunk c = chunk.build(dumpId, seq, skip);
        if (!skip) {
            sink.accept(c);
        }
        return c.getUncompressedSize();
    }
}
