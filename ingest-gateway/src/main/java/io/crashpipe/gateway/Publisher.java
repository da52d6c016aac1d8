package io.crashpipe.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.crashpipe.metrics.KafkaMeters;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Publishes validated events with an idempotent producer (acks=all), keyed by dump id, and
 * completes only when the broker acknowledged. Bytes not yet acknowledged are counted against
 * a budget: when it is spent, callers are told to come back later instead of queueing more.
 */
final class Publisher implements EventPublisher, AutoCloseable {
    static final String HEADER_TYPE = "crashpipe-event";
    static final String HEADER_SEQ = "crashpipe-seq";

    private final KafkaProducer<byte[], byte[]> producer;
    private final EventSerde serde;
    private final long budget;
    private final AtomicLong inFlight = new AtomicLong();
    private final KafkaMeters.Binding meters;

    Publisher(GatewayConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Page payloads arrive zstd-compressed by the agent: compressing batches again costs CPU for nothing.
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_EVENT_BYTES + 1024);
        // The budget is below buffer.memory, so send() never blocks a Netty event loop on space.
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, config.maxInFlightBytes() * 2 + Topics.MAX_EVENT_BYTES));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.meters = KafkaMeters.bind(producer);
        this.serde = new EventSerde(new SchemaRegistryClient(config.registry()));
        this.budget = config.maxInFlightBytes();
    }

    /** Fetches topic metadata once, so the first request does not wait for it on an event loop. */
    void warmUp() {
        for (Topics.TopicSpec t : Topics.INGEST) {
            producer.partitionsFor(t.name());
        }
    }

    /**
     * Registers the event schemas of every ingest topic, so publishing never asks the registry on
     * an event loop. A registry that does not answer now is not fatal: see {@link #schemaRegistered}.
     */
    void registerSchemas() throws IOException {
        for (org.apache.avro.Schema s : EVENT_SCHEMAS) {
            serde.register(topicOf(s), s);
        }
    }

    /** Whether {@link #publish} of this event can run without asking the registry (else: call it off the event loop). */
    @Override
    public boolean schemaRegistered(String topic, SpecificRecord event) {
        return serde.registered(topic, event.getSchema());
    }

    private static final List<org.apache.avro.Schema> EVENT_SCHEMAS = List.of(
            io.crashpipe.schemas.events.DumpMetadata.getClassSchema(),
            io.crashpipe.schemas.events.PageChunk.getClassSchema(),
            io.crashpipe.schemas.events.DumpSealed.getClassSchema());

    private static String topicOf(org.apache.avro.Schema s) {
        return s.getName().equals("DumpMetadata") ? Topics.DUMP_META.name() : Topics.DUMP_PAGES.name();
    }

    @Override
    public boolean saturated() {
        return inFlight.get() >= budget;
    }

    long inFlightBytes() {
        return inFlight.get();
    }

    /** Frames for the registry and sends; the future completes after the broker's ack. */
    @Override
    public CompletableFuture<Void> publish(String topic, String dumpId, SpecificRecord event, ByteBuffer body, Integer sequence) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] value;
        try {
            value = serde.frameSingleObject(topic, event, body);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
            return done;
        }
        long size = value.length;
        inFlight.addAndGet(size);
        ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, dumpId.getBytes(StandardCharsets.UTF_8), value);
        rec.headers().add(HEADER_TYPE, event.getSchema().getName().getBytes(StandardCharsets.UTF_8));
        if (sequence != null) {
            rec.headers().add(HEADER_SEQ, ByteBuffer.allocate(4).putInt(sequence).array());
        }
        try {
            producer.send(rec, (md, err) -> {
                inFlight.addAndGet(-size);
                if (err != null) {
                    done.completeExceptionally(err);
                } else {
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) {
            inFlight.addAndGet(-size);
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Waits for every acknowledgement still outstanding, up to {@code timeout}. */
    void drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        producer.flush();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    List<String> topics() {
        return Topics.INGEST.stream().map(Topics.TopicSpec::name).toList();
    }

    @Override
    public void close() {
        meters.close();
        producer.close(Duration.ofSeconds(10));
    }
}
