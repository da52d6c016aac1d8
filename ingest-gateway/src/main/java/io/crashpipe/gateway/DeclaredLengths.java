package io.crashpipe.gateway;

import java.nio.ByteBuffer;

import io.crashpipe.schemas.wire.EventSerde;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its schema before it is decoded, checking that no length or
 * count it declares (strings, bytes, array and map blocks) exceeds the bytes that are left. Avro's
 * decoder allocates what a length says before reading it: a 15-byte body declaring a 2 GiB string
 * would cost 2 GiB. After this walk, decoding allocates at most about the body's own size.
 */
final class DeclaredLengths {
    private final ByteBuffer in;

    private DeclaredLengths(ByteBuffer in) {
        this.in = in;
    }

    /** Checks the single-object encoded {@code body} (2-byte marker and 8-byte fingerprint first). */
    static void checkSingleObject(Schema schema, ByteBuffer body) throws EventValidator.Invalid {
        ByteBuffer b = body.duplicate();
        if (b.remaining() < EventSerde.SINGLE_OBJECT_HEADER) {
            throw new EventValidator.Invalid("an Avro single-object encoding (" + EventSerde.SINGLE_OBJECT_HEADER
                    + "-byte header), got " + b.remaining() + " bytes");
        }
        b.position(b.position() + EventSerde.SINGLE_OBJECT_HEADER);
        new DeclaredLengths(b).value(schema, "");
        // Nothing may follow the record: the gateway forwards the body as it came (see EventSerde.frameSingleObject).
        if (b.hasRemaining()) {
            throw new EventValidator.Invalid("the " + schema.getName() + " record to end the body at byte " + b.position()
                    + ", got " + b.remaining() + " more bytes");
        }
    }

    private void value(Schema s, String path) throws EventValidator.Invalid {
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1, path);
            case INT, LONG -> varint(path);
            case FLOAT -> skip(4, path);
            case DOUBLE -> skip(8, path);
            case FIXED -> skip(s.getFixedSize(), path);
            case STRING, BYTES -> skip(length(path), path);
            case ENUM -> {
                long i = varint(path);
                if (i < 0 || i >= s.getEnumSymbols().size()) {
                    throw invalid(path, "an enum index below " + s.getEnumSymbols().size() + ", got " + i);
                }
            }
            case UNION -> {
                long i = varint(path);
                if (i < 0 || i >= s.getTypes().size()) {
                    throw invalid(path, "a union branch below " + s.getTypes().size() + ", got " + i);
                }
                value(s.getTypes().get((int) i), path);
            }
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    value(f.schema(), path.isEmpty() ? f.name() : path + "." + f.name());
                }
            }
            case ARRAY -> blocks(path, () -> value(s.getElementType(), path + "[]"));
            case MAP -> blocks(path, () -> {
                skip(length(path), path);
                value(s.getValueType(), path + "{}");
            });
        }
    }

    private interface Item {
        void read() throws EventValidator.Invalid;
    }

    /** Array and map blocks: a count (negative: followed by the block's byte size), items, a 0 count. */
    private void blocks(String path, Item item) throws EventValidator.Invalid {
        while (true) {
            long count = varint(path);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                length(path);
            }
            // Every item of our schemas takes at least one byte, so a count beyond the rest is a lie.
            if (count > in.remaining()) {
                throw invalid(path, "at most " + in.remaining() + " items (the bytes left), got a block of " + count);
            }
            for (long i = 0; i < count; i++) {
                item.read();
            }
        }
    }

    private long length(String path) throws EventValidator.Invalid {
        long n = varint(path);
        if (n < 0 || n > in.remaining()) {
            throw invalid(path, "a length within the " + in.remaining() + " bytes left, got " + n);
        }
        return n;
    }

    private void skip(long n, String path) throws EventValidator.Invalid {
        if (n > in.remaining()) {
            throw invalid(path, n + " more bytes, only " + in.remaining() + " left");
        }
        in.position(in.position() + (int) n);
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long varint(String path) throws EventValidator.Invalid {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (!in.hasRemaining()) {
                throw invalid(path, "a varint, found the end of the body");
            }
            int b = in.get() & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw invalid(path, "a varint of at most 10 bytes");
    }

    private EventValidator.Invalid invalid(String path, String expected) {
        return new EventValidator.Invalid((path.isEmpty() ? "" : path + ": ") + expected);
    }
}
