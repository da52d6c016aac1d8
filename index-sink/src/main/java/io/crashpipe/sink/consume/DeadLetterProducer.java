package io.crashpipe.sink.consume;

import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.crashpipe.metrics.KafkaMeters;
import io.crashpipe.sink.SinkMeters;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records the sink cannot use to the dead-letters topic: original key and value, plus
 * {@link DeadLetterHeaders}. A letter counts as stored only once the broker acknowledged it
 * (acks=all), because only then may the record's offset be committed.
 */
final class DeadLetterProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProducer.class);
    /** Elasticsearch's reasons can quote the offending value; a header need not hold all of it. */
    private static final int MAX_ERROR_CHARS = 2048;
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaMeters.Binding meters;

    DeadLetterProducer(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // the original value (up to the largest event) plus the headers
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_EVENT_BYTES + 64 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) STORE_TIMEOUT.toMillis()),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.meters = KafkaMeters.bind(producer);
    }

    /** Sends without waiting; the future completes when the broker has the letter. */
    CompletableFuture<Void> send(SourceRecord source, DeadLetterHeaders.Stage stage, String error) {
        String text = error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) + "..." : error;
        LOG.warn("dead-lettering {} ({}): {}", source, stage.headerValue(), text);
        SinkMeters.deadLetter(stage);
        ProducerRecord<byte[], byte[]> letter =
                new ProducerRecord<>(Topics.DEAD_LETTERS.name(), source.key(), source.value());
        DeadLetterHeaders.write(letter.headers(), source.partition().topic(), source.partition().partition(),
                source.offset(), stage, text);
        CompletableFuture<Void> stored = new CompletableFuture<>();
        try {
            producer.send(letter, (metadata, e) -> {
                if (e == null) {
                    stored.complete(null);
                } else {
                    stored.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            stored.completeExceptionally(e);
        }
        return stored;
    }

    /** Sends and waits for the broker, as the writer's dead-letter handler must. */
    void store(SourceRecord source, DeadLetterHeaders.Stage stage, String error) throws Exception {
        send(source, stage, error).get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends what is buffered and waits until every letter sent so far is acknowledged or failed. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        meters.close();
        producer.close(Duration.ofSeconds(10));
    }
}
