package io.crashpipe.metrics;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Micrometer's Kafka client binder for a producer, consumer or admin client of a service, so
 * {@code /metrics} shows Kafka's own metrics ({@code kafka_producer_*}, {@code kafka_consumer_*}).
 * Binds only where {@link ServiceMetrics} is installed; close the binding with its client.
 */
public final class KafkaMeters {
    /** One daemon thread refreshes every binding (Micrometer's default is a thread per client). */
    static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crashpipe-kafka-meters");
        t.setDaemon(true);
        return t;
    });

    /** A bound client's meters; closing removes them. */
    public interface Binding extends AutoCloseable {
        Binding NONE = () -> { };

        @Override
        void close();
    }

    private KafkaMeters() {}

    public static Binding bind(Producer<?, ?> producer) {
        return ServiceMetrics.installed() ? bound(new KafkaClientMetrics(producer, List.of(), REFRESH)) : Binding.NONE;
    }

    public static Binding bind(Consumer<?, ?> consumer) {
        return ServiceMetrics.installed() ? bound(new KafkaClientMetrics(consumer, List.of(), REFRESH)) : Binding.NONE;
    }

    /** An admin client ({@link Admin#create} returns an {@link AdminClient}). */
    public static Binding bind(Admin admin) {
        return ServiceMetrics.installed() && admin instanceof AdminClient a
                ? bound(new KafkaClientMetrics(a, List.of(), REFRESH)) : Binding.NONE;
    }

    static Binding bound(KafkaClientMetrics binder) {
        binder.bindTo(ServiceMetrics.install());
        return binder::close;
    }
}
