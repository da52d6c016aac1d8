package io.crashpipe.topology;

import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The topology's topics on a real broker, for the integration tests: publish as the gateway does, read results back. */
final class IngestTopics {
    private IngestTopics() {}

    /** One event as the gateway publishes it. */
    record Out(String topic, byte[] value) {}

    /** The dump's events on the wire, in upload order: metadata, chunks, seal. */
    static List<Out> wire(DumpEvents dump, EventSerde serde) throws IOException {
        List<Out> out = new ArrayList<>();
        out.add(new Out(Topics.DUMP_META.name(), serde.serialize(Topics.DUMP_META.name(), dump.metadata())));
        for (PageChunk c : dump.chunks()) {
            out.add(new Out(Topics.DUMP_PAGES.name(), serde.serialize(Topics.DUMP_PAGES.name(), c)));
        }
        out.add(new Out(Topics.DUMP_PAGES.name(), serde.serialize(Topics.DUMP_PAGES.name(), dump.seal())));
        return out;
    }

    /** Publishes in order, each acknowledged before the next; returns where each landed. */
    static List<RecordMetadata> produce(LocalKafka kafka, String key, List<Out> events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_EVENT_BYTES);
        List<RecordMetadata> at = new ArrayList<>();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (Out e : events) {
                at.add(producer.send(new ProducerRecord<>(e.topic(), key, e.value())).get());
            }
        }
        return at;
    }

    /** Committed records of {@code topic}, read for {@code wait}. */
    static List<ConsumerRecord<String, byte[]>> read(LocalKafka kafka, String topic, Duration wait) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (var c = consumer(kafka)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(250)).forEach(out::add);
            }
        }
        return out;
    }

    static long count(LocalKafka kafka, String topic, Duration wait) {
        return read(kafka, topic, wait).size();
    }

    /** The first committed record of {@code topic} keyed {@code key}, decoded, within {@code wait}. */
    static <T extends SpecificRecord> T await(LocalKafka kafka, EventSerde serde, String topic, String key, Class<T> type,
            Duration wait) throws IOException {
        try (var c = consumer(kafka)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        return serde.deserialize(r.value(), type);
                    }
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " for " + key + " on " + topic + " within "
                + wait.toSeconds() + " s");
    }

    private static KafkaConsumer<String, byte[]> consumer(LocalKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "topology-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
