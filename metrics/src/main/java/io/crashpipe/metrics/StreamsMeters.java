package io.crashpipe.metrics;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Micrometer's Kafka Streams binder ({@code kafka_stream_*} and the embedded clients' meters).
 * Apart from {@link KafkaMeters} so services without Kafka Streams never load its classes.
 */
public final class StreamsMeters {
    private StreamsMeters() {}

    public static KafkaMeters.Binding bind(KafkaStreams streams) {
        if (!ServiceMetrics.installed()) {
            return KafkaMeters.Binding.NONE;
        }
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.of(), KafkaMeters.REFRESH);
        binder.bindTo(ServiceMetrics.install());
        return binder::close;
    }
}
