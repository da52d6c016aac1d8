package io.crashpipe.agent;

import java.nio.ByteBuffer;
import java.util.List;

import io.crashpipe.schemas.events.PageChunk;

/**
 * A page chunk as the request body, without copying its payload: the Avro single-object
 * encoding of every field but the payload, which is the record's last field, then the payload's
 * own buffer. The bytes are exactly {@code chunk.toByteBuffer()}'s.
 */
final class ChunkBody {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private ChunkBody() {}

    /** The body's parts, in order; the last is the chunk's payload buffer itself. */
    static List<ByteBuffer> of(PageChunk c) throws java.io.IOException {
        ByteBuffer payload = c.getPayload();
        // encoded with an empty payload, the record ends in that payload's length: 0, one byte
        ByteBuffer head = new PageChunk(c.getDumpId(), c.getSequence(), c.getPages(), c.getZeroPages(), c.getCodec(),
                c.getUncompressedSize(), EMPTY).toByteBuffer();
        int keep = head.remaining() - 1;
        if (head.get(head.position() + keep) != 0) {
            throw new IllegalStateException("PageChunk's payload is not its last field");
        }
        ByteBuffer prefix = ByteBuffer.allocate(keep + 10);
        prefix.put(head.limit(head.position() + keep));
        long zigzag = (long) payload.remaining() << 1; // Avro's bytes length: a zig-zag varint
        while ((zigzag & ~0x7FL) != 0) {
            prefix.put((byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        prefix.put((byte) zigzag).flip();
        return List.of(prefix, payload.duplicate());
    }
}
