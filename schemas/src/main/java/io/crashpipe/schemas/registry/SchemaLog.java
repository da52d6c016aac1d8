package io.crashpipe.schemas.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The compacted {@code _schemas} topic, in the record layout Confluent's registry uses
 * (key {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}}, value with subject,
 * version, id and schema), so the log is readable by the same tools.
 */
final class SchemaLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TopicPartition PARTITION = new TopicPartition(Topics.SCHEMAS.name(), 0);

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    SchemaLog(String bootstrap) throws IOException {
        this.bootstrap = bootstrap;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensure(admin, List.of(Topics.SCHEMAS), (short) 1);
        }
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Replays the whole log into {@code sink}, in order. */
    void replay(Consumer<SchemaStore.Entry> sink) throws IOException {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(PARTITION));
            c.seekToBeginning(List.of(PARTITION));
            long end = c.endOffsets(List.of(PARTITION)).get(PARTITION);
            while (c.position(PARTITION) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    SchemaStore.Entry e = decode(r);
                    if (e != null) {
                        sink.accept(e);
                    }
                }
            }
        }
    }

    /** Appends {@code e} and returns once the broker has it. */
    void append(SchemaStore.Entry e) throws IOException {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA").put("subject", e.subject()).put("version", e.version()).put("magic", 1);
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", e.subject()).put("version", e.version()).put("id", e.id())
                .put("schema", e.schema()).put("deleted", false);
        try {
            producer.send(new ProducerRecord<>(PARTITION.topic(), PARTITION.partition(),
                    key.toString().getBytes(StandardCharsets.UTF_8),
                    value.toString().getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException ex) {
            throw new IOException("could not store schema " + e.subject() + " v" + e.version() + " in " + PARTITION.topic(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    private static SchemaStore.Entry decode(ConsumerRecord<byte[], byte[]> r) throws IOException {
        if (r.key() == null || r.value() == null) {
            return null; // tombstone or a record of another kind
        }
        JsonNode key = JSON.readTree(r.key());
        if (!"SCHEMA".equals(key.path("keytype").asText())) {
            return null; // CONFIG, NOOP, DELETE_SUBJECT ... are not used by this registry
        }
        JsonNode v = JSON.readTree(r.value());
        if (v.path("deleted").asBoolean(false)) {
            return null;
        }
        return new SchemaStore.Entry(v.path("subject").asText(), v.path("version").asInt(), v.path("id").asInt(),
                v.path("schema").asText());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
