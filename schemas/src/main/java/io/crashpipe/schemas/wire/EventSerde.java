package io.crashpipe.schemas.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Serializes generated event classes in the Confluent wire format, registering each schema
 * under the subject {@code <topic>-<record full name>} (Confluent's TopicRecordNameStrategy,
 * because one topic carries several event types). Decoding resolves the writer schema by id,
 * then reads into the generated class of the same full name: older and newer writers both work.
 */
public final class EventSerde {
    static {
        EventTypes.trust();
    }

    private final SchemaRegistryClient registry;
    private final Map<String, Integer> idByTopicAndType = new ConcurrentHashMap<>();
    // Avro's readers and writers are thread-safe and costly to build: one per schema.
    private final Map<Integer, SpecificDatumReader<SpecificRecord>> readerById = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<SpecificRecord>> writerBySchema = new ConcurrentHashMap<>();
    private final Map<Schema, Long> fingerprintBySchema = new ConcurrentHashMap<>();

    public EventSerde(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public static String subject(String topic, Schema schema) {
        return topic + "-" + schema.getFullName();
    }

    /** Registers {@code schema} for {@code topic} now (a service does it at start, so requests need not). */
    public int register(String topic, Schema schema) throws IOException {
        String subject = subject(topic, schema);
        Integer id = idByTopicAndType.get(subject);
        if (id == null) {
            id = registry.register(subject, schema);
            idByTopicAndType.put(subject, id);
        }
        return id;
    }

    /** Whether serializing {@code schema} on {@code topic} can be done without asking the registry. */
    public boolean registered(String topic, Schema schema) {
        return idByTopicAndType.containsKey(subject(topic, schema));
    }

    public byte[] serialize(String topic, SpecificRecord event) throws IOException {
        Schema schema = event.getSchema();
        int id = register(topic, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        writerBySchema.computeIfAbsent(schema, SpecificDatumWriter::new).write(event, enc);
        enc.flush();
        return ConfluentWire.frame(id, out.toByteArray());
    }

    /**
     * The Confluent-framed message for an event that arrived in Avro's single-object encoding
     * (marker {@code C3 01}, the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint, the
     * body), which {@code event} was decoded from, with nothing after it. When the writer schema
     * is the event's own, that body is what {@link #serialize} would write: it is copied once
     * behind the Confluent header instead of being encoded again (a page chunk's payload is
     * megabytes). Anything else (an older writer's schema resolved into the current class) is
     * encoded anew.
     */
    public byte[] frameSingleObject(String topic, SpecificRecord event, ByteBuffer singleObject) throws IOException {
        Schema schema = event.getSchema();
        ByteBuffer in = singleObject.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < SINGLE_OBJECT_HEADER || in.get(in.position()) != (byte) 0xC3 || in.get(in.position() + 1) != 0x01
                || in.getLong(in.position() + 2) != fingerprintBySchema.computeIfAbsent(schema, SchemaNormalization::parsingFingerprint64)) {
            return serialize(topic, event);
        }
        return ConfluentWire.frame(register(topic, schema), in.position(in.position() + SINGLE_OBJECT_HEADER));
    }

    /** Avro's single-object encoding: 2 marker bytes and the 8-byte schema fingerprint before the body. */
    public static final int SINGLE_OBJECT_HEADER = 10;

    /** Decodes any event; the result is an instance of the generated class its schema names. */
    public SpecificRecord deserialize(byte[] message) throws IOException {
        ConfluentWire.Framed f = ConfluentWire.parse(message);
        SpecificDatumReader<SpecificRecord> datumReader = readerById.get(f.schemaId());
        if (datumReader == null) {
            Schema writer = registry.schemaById(f.schemaId());
            Class<?> type = SpecificData.get().getClass(writer);
            if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
                throw new WireFormatException("a crashpipe event type, got schema " + writer.getFullName() + " (id " + f.schemaId() + ")");
            }
            datumReader = new SpecificDatumReader<>(writer, SpecificData.get().getSchema(type));
            readerById.put(f.schemaId(), datumReader);
        }
        Schema writer = datumReader.getSchema();
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(message, f.bodyOffset(), f.bodyLength(), null);
        try {
            SpecificRecord rec = datumReader.read(null, dec);
            if (!dec.isEnd()) {
                throw new WireFormatException("nothing after the " + writer.getFullName() + " body, found trailing bytes");
            }
            return rec;
        } catch (RuntimeException | IOException e) {
            if (e instanceof WireFormatException w) {
                throw w;
            }
            throw new WireFormatException("a valid Avro " + writer.getFullName() + " body", e);
        }
    }

    /** Decodes and checks the type. */
    public <T extends SpecificRecord> T deserialize(byte[] message, Class<T> type) throws IOException {
        SpecificRecord rec = deserialize(message);
        if (!type.isInstance(rec)) {
            throw new WireFormatException("a " + type.getSimpleName() + " event, got " + rec.getSchema().getName());
        }
        return type.cast(rec);
    }
}
