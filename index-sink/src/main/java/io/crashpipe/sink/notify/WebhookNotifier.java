package io.crashpipe.sink.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.sink.doc.CrashAlertDocument;
import io.crashpipe.sink.write.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code crash-alerts} to a webhook, at least once: a record's offset is committed only
 * after the webhook answered 2xx, a failure is retried with exponential backoff (forever for
 * network errors, 408, 429 and 5xx; a receiver that refuses with another 4xx is logged and
 * skipped, since sending it again cannot help). Each POST carries the alert id as
 * {@code Idempotency-Key}, so a receiver drops the copies a retry or a restart sends again.
 */
public final class WebhookNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    public static final String DEFAULT_GROUP_ID = "crashpipe-notifier";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    /** What the notifier is told. */
    public record Config(String bootstrapServers, URI registry, URI webhook, String groupId, Backoff backoff,
            Duration requestTimeout) {
        public static Config of(String bootstrap, URI registry, URI webhook) {
            return new Config(bootstrap, registry, webhook, DEFAULT_GROUP_ID,
                    new Backoff(Duration.ofMillis(500), Duration.ofMinutes(2), Integer.MAX_VALUE), Duration.ofSeconds(10));
        }

        public Config withGroupId(String g) {
            return new Config(bootstrapServers, registry, webhook, g, backoff, requestTimeout);
        }

        public Config withBackoff(Backoff b) {
            return new Config(bootstrapServers, registry, webhook, groupId, b, requestTimeout);
        }
    }

    private final Config config;
    private final EventSerde serde;
    private final HttpClient http;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread thread;

    private WebhookNotifier(Config config) {
        this.config = config;
        this.serde = new EventSerde(new SchemaRegistryClient(config.registry()));
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "crashpipe-notifier");
    }

    public static WebhookNotifier start(Config config) {
        WebhookNotifier n = new WebhookNotifier(config);
        n.consumer.subscribe(List.of(Topics.CRASH_ALERTS.name()));
        n.thread.start();
        LOG.info("notifier started: group {} delivers {} to {}", config.groupId(), Topics.CRASH_ALERTS.name(), config.webhook());
        return n;
    }

    /** Alerts the webhook acknowledged since start. */
    public long delivered() {
        return delivered.get();
    }

    private void run() {
        try {
            while (!closing.get()) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    deliver(r);
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("notifier stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> r) throws InterruptedException {
        CrashAlert alert;
        for (int attempt = 1; ; attempt++) {
            try {
                alert = serde.deserialize(r.value(), CrashAlert.class);
                break;
            } catch (IOException e) {
                if (e instanceof io.crashpipe.schemas.registry.RegistryException re && re.httpStatus() < 500) {
                    LOG.warn("alert {} at offset {} skipped, its schema is unknown: {}", r.key(), r.offset(), e.getMessage());
                    return;
                }
                pause(attempt, "schema registry: " + e);
            } catch (RuntimeException e) {
                LOG.warn("alert {} at offset {} skipped, it does not decode: {}", r.key(), r.offset(), e.toString());
                return;
            }
        }
        ObjectNode body = CrashAlertDocument.source(alert);
        body.put("alert_id", alert.getAlertId());
        HttpRequest request = HttpRequest.newBuilder(config.webhook()).timeout(config.requestTimeout())
                .header("Content-Type", "application/json").header(IDEMPOTENCY_HEADER, alert.getAlertId())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        for (int attempt = 1; ; attempt++) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                if (status / 100 == 4 && status != 408 && status != 429) {
                    LOG.error("webhook {} refused alert {} with HTTP {}; not sending it again", config.webhook(),
                            alert.getAlertId(), status);
                    return;
                }
                pause(attempt, "HTTP " + status);
            } catch (IOException e) {
                pause(attempt, e.toString());
            }
        }
    }

    private void pause(int attempt, String why) throws InterruptedException {
        if (closing.get()) {
            throw new InterruptedException("closing with an undelivered alert: it is sent again on the next start");
        }
        Duration wait = config.backoff().delayAfter(attempt);
        LOG.warn("webhook delivery failed ({}), attempt {}, retrying in {} ms", why, attempt, wait.toMillis());
        Thread.sleep(wait.toMillis());
    }

    @Override
    public void close() {
        closing.set(true);
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
