package io.crashpipe.schemas.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian integer, then
 * the Avro binary encoding. Any Confluent-compatible tool reads topics written this way.
 */
public final class ConfluentWire {
    private ConfluentWire() {}

    public static final byte MAGIC = 0;
    public static final int HEADER_BYTES = 5;

    /** The id and where the Avro body starts, of one framed message. */
    public record Framed(int schemaId, int bodyOffset, int bodyLength) {}

    public static byte[] frame(int schemaId, byte[] avroBody) {
        return frame(schemaId, ByteBuffer.wrap(avroBody));
    }

    /** The framed message for the Avro body between {@code avroBody}'s position and limit (left unmoved). */
    public static byte[] frame(int schemaId, ByteBuffer avroBody) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + avroBody.remaining()).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putInt(schemaId).put(avroBody.duplicate());
        return b.array();
    }

    public static Framed parse(byte[] message) {
        if (message == null || message.length < HEADER_BYTES) {
            throw new WireFormatException("a Confluent-framed message of at least 5 bytes, got "
                    + (message == null ? "null" : message.length + " bytes"));
        }
        if (message[0] != MAGIC) {
            throw new WireFormatException("magic byte 0 at offset 0, got " + (message[0] & 0xff));
        }
        int id = ByteBuffer.wrap(message, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        return new Framed(id, HEADER_BYTES, message.length - HEADER_BYTES);
    }
}
