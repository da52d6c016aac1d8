package io.crashpipe.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(MetricsEndpoint e, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.address().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsShowTheProjectsCountersJvmMetersAndABoundProducersKafkaMeters() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        try (MetricsEndpoint e = MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new MetricsEndpoint.Probes(() -> true, ready::get));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1", ProducerConfig.CLIENT_ID_CONFIG, "meters-test"),
                        new ByteArraySerializer(), new ByteArraySerializer());
                KafkaMeters.Binding b = KafkaMeters.bind(producer)) {
            Metrics.counter("crashpipe.test.things", "kind", "a").increment(3);
            HttpResponse<String> m = get(e, "/metrics");
            assertEquals(200, m.statusCode());
            assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(m.body().contains("crashpipe_test_things_total{kind=\"a\"} 3.0"), m.body());
            assertTrue(m.body().contains("jvm_memory_used_bytes"), "JVM meters");
            assertTrue(m.body().contains("kafka_producer_") && m.body().contains("client_id=\"meters-test\""), "Kafka's meters");
            assertEquals(200, get(e, "/healthz").statusCode());
            assertEquals(503, get(e, "/readyz").statusCode());
            ready.set(true);
            assertEquals(200, get(e, "/readyz").statusCode());
        }
    }
}
