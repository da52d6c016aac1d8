package io.crashpipe.agent;

import java.nio.ByteBuffer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.PageChunk;

/**
 * One upload worker's zstd compressor: a reused native context (a fresh one per chunk costs a
 * megabyte of memory mapped, zeroed and unmapped each time) and a reused output array. The
 * output is the same bytes as {@link ChunkBuilder#compressed} makes (same level, one frame with
 * its content size), so a resumed upload re-sends identical chunks.
 */
final class ChunkCompressor implements AutoCloseable {
    private final ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(ChunkBuilder.ZSTD_LEVEL).setContentSize(true);
    private final byte[] out;

    ChunkCompressor(int maxPayloadBytes) {
        this.out = new byte[(int) Zstd.compressBound(maxPayloadBytes)];
    }

    /**
     * The chunk with its payload compressed into this compressor's array: valid until the next
     * call. An empty payload (zero pages only) or an already compressed one is returned as is.
     */
    PageChunk compress(PageChunk raw) {
        ByteBuffer p = raw.getPayload();
        if (raw.getCodec() != ChunkCodec.NONE || p.remaining() == 0) {
            return raw;
        }
        int n = ctx.compressByteArray(out, 0, out.length, p.array(), p.arrayOffset() + p.position(), p.remaining());
        return new PageChunk(raw.getDumpId(), raw.getSequence(), raw.getPages(), raw.getZeroPages(), ChunkCodec.ZSTD,
                raw.getUncompressedSize(), ByteBuffer.wrap(out, 0, n));
    }

    @Override
    public void close() {
        ctx.close();
    }
}
