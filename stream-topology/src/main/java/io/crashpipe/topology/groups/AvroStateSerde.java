package io.crashpipe.topology.groups;

import io.crashpipe.schemas.EventTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry, no schema id) for the aggregation's internal stores and
 * repartition topic: only this application reads them, always with the schema it wrote.
 */
final class AvroStateSerde<T extends SpecificRecord> implements Serde<T> {
    static {
        EventTypes.trust(); // copying and decoding the generated state classes needs Avro to trust their package
    }

    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    AvroStateSerde(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
    }

    byte[] encode(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(value, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    T decode(byte[] bytes) {
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            return reader.read(null, dec);
        } catch (IOException e) {
            throw new UncheckedIOException("internal groups state does not decode", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
