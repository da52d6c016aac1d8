package io.crashpipe.sink;

import io.crashpipe.schemas.DeadLetterHeaders;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's meters: {@code crashpipe_sink_documents_total{outcome}} (acknowledged by
 * Elasticsearch: written, superseded, dead_lettered), {@code crashpipe_sink_bulk_failures_total{kind}}
 * (request: a whole bulk failed; retry: an item to send again; poison: an item Elasticsearch will
 * never take; gave_up: retries spent), {@code crashpipe_dead_letters_total{service="sink",stage}},
 * and {@code crashpipe_sink_lag_records} (records in the result topics not yet fetched, summed over
 * the assigned partitions, as the consumer last knew it).
 */
public final class SinkMeters {
    private static final AtomicLong LAG = new AtomicLong();

    static {
        Gauge.builder("crashpipe.sink.lag.records", LAG, AtomicLong::get)
                .description("Result records not yet fetched by the sink, summed over its partitions")
                .register(Metrics.globalRegistry);
    }

    private SinkMeters() {}

    public static void document(String outcome) {
        Metrics.counter("crashpipe.sink.documents", "outcome", outcome).increment();
    }

    public static void bulkFailure(String kind) {
        Metrics.counter("crashpipe.sink.bulk.failures", "kind", kind).increment();
    }

    public static void deadLetter(DeadLetterHeaders.Stage stage) {
        Metrics.counter("crashpipe.dead.letters", "service", "sink", "stage", stage.name().toLowerCase(Locale.ROOT)).increment();
    }

    /** From the poller thread: the consumer's own lag figures, no request to the broker. */
    public static void lag(Consumer<?, ?> consumer) {
        long sum = 0;
        for (TopicPartition p : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(p);
            if (l.isPresent()) {
                sum += l.getAsLong();
            }
        }
        LAG.set(sum);
    }
}
