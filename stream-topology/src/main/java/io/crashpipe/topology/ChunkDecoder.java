package io.crashpipe.topology;

import com.github.luben.zstd.Zstd;
import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;
import java.nio.ByteBuffer;
import java.util.List;

/** Turns a page-chunk event into its pages: runs to spans, payload decompressed. */
public final class ChunkDecoder {
    private ChunkDecoder() {}

    /** The page size is what the payload holds per page (the chunk carries no separate field). */
    public static DecodedChunk decode(PageChunk chunk) {
        ByteBuffer payload = chunk.getPayload().duplicate();
        byte[] raw = new byte[payload.remaining()];
        payload.get(raw);
        byte[] data = switch (chunk.getCodec()) {
            case ZSTD -> decompress(chunk, raw);
            case NONE -> raw;
            case UNKNOWN -> throw new IllegalArgumentException("chunk " + chunk.getSequence() + " of dump " + chunk.getDumpId()
                    + ": a codec this parser knows (NONE, ZSTD), got one newer than it");
        };
        List<PfnSpan> pages = spans(chunk.getPages());
        long count = pages.stream().mapToLong(PfnSpan::count).sum();
        if (count == 0 ? data.length != 0 : data.length % count != 0) {
            throw new IllegalArgumentException("chunk " + chunk.getSequence() + " of dump " + chunk.getDumpId()
                    + ": a payload of whole pages for " + count + " page frames, got " + data.length + " bytes");
        }
        int pageSize = count == 0 ? 4096 : (int) (data.length / count);
        return new DecodedChunk(pages, spans(chunk.getZeroPages()), data, pageSize);
    }

    /** The spans a chunk carries, without decoding its payload (for the page index). */
    public static List<PfnSpan> spans(List<PfnRun> runs) {
        return runs.stream().map(r -> new PfnSpan(r.getStartPfn(), r.getCount())).toList();
    }

    private static byte[] decompress(PageChunk chunk, byte[] raw) {
        int size = chunk.getUncompressedSize();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("chunk " + chunk.getSequence() + " of dump " + chunk.getDumpId()
                    + " claims " + size + " uncompressed bytes; expected at most 64 MiB");
        }
        byte[] out;
        try {
            out = Zstd.decompress(raw, size);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("chunk " + chunk.getSequence() + " of dump " + chunk.getDumpId()
                    + ": a zstd payload of " + size + " bytes, got one that does not decode (" + e.getMessage() + ")");
        }
        if (out.length != size) {
            throw new IllegalArgumentException("chunk " + chunk.getSequence() + " of dump " + chunk.getDumpId()
                    + ": a zstd payload of " + size + " bytes, got " + out.length);
        }
        return out;
    }
}
