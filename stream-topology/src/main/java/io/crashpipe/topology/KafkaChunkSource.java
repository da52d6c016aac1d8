package io.crashpipe.topology;

import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a chunk back from the retained pages topic by partition and offset: the topic is the one
 * durable copy of page data, so a cache miss or a restart costs a fetch, never a second store.
 */
public final class KafkaChunkSource implements ChunkSource, AutoCloseable {
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final EventSerde serde;
    private final KafkaConsumer<byte[], byte[]> consumer;

    public KafkaChunkSource(String bootstrapServers, String topic, EventSerde serde,
            Map<String, Object> extraConsumerConfig) {
        this.topic = topic;
        this.serde = serde;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(4 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 * 1024 * 1024));
        p.putAll(extraConsumerConfig);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public synchronized DecodedChunk load(ChunkLocation where) {
        TopicPartition tp = new TopicPartition(topic, where.partition());
        consumer.assign(List.of(tp));
        consumer.seek(tp, where.offset());
        long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() == where.offset()) {
                    return decode(r.value(), where);
                }
                if (r.offset() > where.offset()) {
                    throw new IllegalStateException(topic + "-" + where.partition() + " offset " + where.offset()
                            + " is gone (retention or compaction); the chunk it held cannot be read back");
                }
            }
        }
        throw new IllegalStateException("reading " + topic + "-" + where.partition() + " offset " + where.offset()
                + " took more than " + FETCH_TIMEOUT.toSeconds() + " s");
    }

    private DecodedChunk decode(byte[] value, ChunkLocation where) {
        try {
            return ChunkDecoder.decode(serde.deserialize(value, PageChunk.class));
        } catch (IOException e) {
            throw new UncheckedIOException("chunk at " + topic + "-" + where.partition() + "@" + where.offset()
                    + " no longer decodes", e);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
