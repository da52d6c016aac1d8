package io.crashpipe.schemas.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.metrics.KafkaMeters;
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
 * version, id and schema; compatibility settings as {@code {"keytype":"CONFIG","subject":..}}
 * with {@code {"compatibilityLevel":..}}), so the log is readable by the same tools and a
 * restarted registry gets back its schemas and its settings.
 */
final class SchemaLog implements AutoCloseable {
    /** What a replay hands back, in log order. */
    interface Replay {
        void schema(SchemaStore.Entry e);

        /** A compatibility setting; {@code subject} null for the global one. */
        void config(String subject, Compatibility level);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TopicPartition PARTITION = new TopicPartition(Topics.SCHEMAS.name(), 0);

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaMeters.Binding meters;

    /** Opens the log, creating the topic with {@code replication} replicas if it is missing (see {@link SchemasTopic}). */
    SchemaLog(String bootstrap, short replication) throws IOException {
        this.bootstrap = bootstrap;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            SchemasTopic.ensure(admin, replication);
        }
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.meters = KafkaMeters.bind(producer);
    }

    /** Replays the whole log into {@code sink}, in order. */
    void replay(Replay sink) throws IOException {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(PARTITION));
            c.seekToBeginning(List.of(PARTITION));
            long end = c.endOffsets(List.of(PARTITION)).get(PARTITION);
            while (c.position(PARTITION) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    decode(r, sink);
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
        send(key, value, "schema " + e.subject() + " v" + e.version());
    }

    /** Appends a compatibility setting ({@code subject} null for the global one). */
    void appendConfig(String subject, Compatibility level) throws IOException {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        send(key, value, "compatibility " + level + (subject == null ? "" : " of " + subject));
    }

    private void send(ObjectNode key, ObjectNode value, String what) throws IOException {
        try {
            producer.send(new ProducerRecord<>(PARTITION.topic(), PARTITION.partition(),
                    key.toString().getBytes(StandardCharsets.UTF_8),
                    value.toString().getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException ex) {
            throw new IOException("could not store " + what + " in " + PARTITION.topic(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    private static void decode(ConsumerRecord<byte[], byte[]> r, Replay sink) throws IOException {
        if (r.key() == null || r.value() == null) {
            return; // tombstone
        }
        JsonNode key = JSON.readTree(r.key());
        JsonNode v = JSON.readTree(r.value());
        switch (key.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (!v.path("deleted").asBoolean(false)) {
                    sink.schema(new SchemaStore.Entry(v.path("subject").asText(), v.path("version").asInt(), v.path("id").asInt(),
                            v.path("schema").asText()));
                }
            }
            case "CONFIG" -> {
                JsonNode subject = key.path("subject");
                try {
                    sink.config(subject.isTextual() ? subject.asText() : null,
                            Compatibility.parse(v.path("compatibilityLevel").asText()));
                } catch (IllegalArgumentException unknownLevel) {
                    // a level another registry wrote and this one does not know: keep the one before
                }
            }
            default -> { } // NOOP, DELETE_SUBJECT ...: not used by this registry
        }
    }

    @Override
    public void close() {
        meters.close();
        producer.close(Duration.ofSeconds(5));
    }
}
