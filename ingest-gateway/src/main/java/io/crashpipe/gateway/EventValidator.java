package io.crashpipe.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;
import org.apache.avro.message.MissingSchemaException;

/**
 * Decodes a request body (Avro single-object encoding of the event, so the schema fingerprint
 * is checked) and checks that it is consistent with the URL and with itself. Every refusal
 * says what was expected.
 */
final class EventValidator {
    static final int ZSTD_MAGIC = 0xFD2FB528;
    private static final int MAX_PAGE_BYTES = 4 * 1024 * 1024;

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** Chunks from agents built before ChunkCodec had UNKNOWN (its first schema) decode too. */
    private static final org.apache.avro.message.BinaryMessageDecoder<PageChunk> CHUNKS = chunkDecoder();

    private EventValidator() {}

    private static org.apache.avro.message.BinaryMessageDecoder<PageChunk> chunkDecoder() {
        org.apache.avro.message.BinaryMessageDecoder<PageChunk> d = PageChunk.createDecoder(null);
        try (java.io.InputStream in = EventValidator.class.getResourceAsStream("PageChunk.v1.avsc")) {
            org.apache.avro.Schema.Parser parser = new org.apache.avro.Schema.Parser();
            parser.addTypes(java.util.List.of(PfnRun.getClassSchema()));
            d.addSchema(parser.parse(in));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("PageChunk.v1.avsc is part of the gateway", e);
        }
        return d;
    }

    static DumpMetadata metadata(String dumpId, ByteBuffer body) throws Invalid {
        DumpMetadata m = decode(body, DumpMetadata.getClassSchema(), b -> DumpMetadata.getDecoder().decode(b));
        sameDump(dumpId, m.getDumpId());
        int ps = m.getPageSize();
        if (ps < 4096 || ps > 65536 || Integer.bitCount(ps) != 1) {
            throw new Invalid("pageSize a power of two in [4096, 65536], got " + ps);
        }
        if (m.getMaxPfn() <= 0) {
            throw new Invalid("maxPfn > 0, got " + m.getMaxPfn());
        }
        return m;
    }

    static PageChunk chunk(String dumpId, int sequence, ByteBuffer body) throws Invalid {
        PageChunk c = decode(body, PageChunk.getClassSchema(), b -> CHUNKS.decode(b));
        sameDump(dumpId, c.getDumpId());
        if (c.getSequence() != sequence) {
            throw new Invalid("sequence " + sequence + " as in the URL, got " + c.getSequence());
        }
        long pages = runs(c.getPages(), "pages");
        runs(c.getZeroPages(), "zeroPages");
        if (pages == 0 && c.getZeroPages().isEmpty()) {
            throw new Invalid("at least one page or zero page in a chunk");
        }
        if (c.getCodec() != ChunkCodec.NONE && c.getCodec() != ChunkCodec.ZSTD) {
            throw new Invalid("codec NONE or ZSTD, got " + c.getCodec());
        }
        if (c.getUncompressedSize() < 0 || c.getUncompressedSize() > MAX_PAGE_BYTES
                || (pages > 0 && c.getUncompressedSize() % pages != 0)) {
            throw new Invalid("uncompressedSize a multiple of the page count (" + pages + ") up to "
                    + MAX_PAGE_BYTES + ", got " + c.getUncompressedSize());
        }
        ByteBuffer p = c.getPayload();
        if (c.getCodec() == ChunkCodec.ZSTD && (p.remaining() < 4 || p.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(p.position()) != ZSTD_MAGIC)) {
            throw new Invalid("a zstd frame (magic 28 b5 2f fd) as payload");
        }
        if (c.getCodec() == ChunkCodec.NONE && p.remaining() != c.getUncompressedSize()) {
            throw new Invalid("payload of uncompressedSize " + c.getUncompressedSize() + " bytes, got " + p.remaining());
        }
        return c;
    }

    static DumpSealed sealed(String dumpId, ByteBuffer body) throws Invalid {
        DumpSealed s = decode(body, DumpSealed.getClassSchema(), b -> DumpSealed.getDecoder().decode(b));
        sameDump(dumpId, s.getDumpId());
        if (s.getChunkCount() < 0 || s.getPageCount() < 0 || s.getZeroPageCount() < 0) {
            throw new Invalid("non-negative counts in DumpSealed");
        }
        if (!s.getPageDataSha256().matches("[0-9a-f]{64}")) {
            throw new Invalid("pageDataSha256 as 64 lowercase hex digits");
        }
        return s;
    }

    private static long runs(java.util.List<PfnRun> runs, String field) throws Invalid {
        long total = 0;
        for (PfnRun r : runs) {
            if (r.getStartPfn() < 0 || r.getCount() <= 0) {
                throw new Invalid(field + " runs with startPfn >= 0 and count > 0, got " + r);
            }
            total += r.getCount();
        }
        return total;
    }

    private static void sameDump(String inUrl, String inBody) throws Invalid {
        if (!inUrl.equals(inBody)) {
            throw new Invalid("dumpId " + inUrl + " as in the URL, got " + inBody);
        }
    }

    private interface Decoder<T> {
        T decode(ByteBuffer b) throws IOException;
    }

    private static <T> T decode(ByteBuffer body, org.apache.avro.Schema schema, Decoder<T> d) throws Invalid {
        String type = schema.getName();
        DeclaredLengths.checkSingleObject(schema, body);
        try {
            return d.decode(body.duplicate()); // Avro's decoder moves the position; the body is published as it came
        } catch (MissingSchemaException e) {
            throw new Invalid("a " + type + " in Avro single-object encoding with a known schema fingerprint");
        } catch (IOException | RuntimeException e) {
            throw new Invalid("a " + type + " in Avro single-object encoding (" + e.getMessage() + ")");
        }
    }
}
