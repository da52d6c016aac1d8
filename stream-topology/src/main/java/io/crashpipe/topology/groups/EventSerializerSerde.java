package io.crashpipe.topology.groups;

import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Writes result events in the Confluent wire format under the topic's subject (the groups app only writes). */
final class EventSerializerSerde implements Serde<SpecificRecord> {
    private final EventSerde serde;

    EventSerializerSerde(EventSerde serde) {
        this.serde = serde;
    }

    @Override
    public Serializer<SpecificRecord> serializer() {
        return (topic, value) -> {
            try {
                return value == null ? null : serde.serialize(topic, value);
            } catch (IOException e) {
                // the task fails and restarts from its last commit: nothing is lost while the registry is away
                throw new UncheckedIOException("cannot register or find the schema for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<SpecificRecord> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : serde.deserialize(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
