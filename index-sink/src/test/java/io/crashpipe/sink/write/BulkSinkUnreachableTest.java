package io.crashpipe.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.sink.EsClients;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** With no Elasticsearch listening, records are retried with backoff and then handed back unacknowledged. */
class BulkSinkUnreachableTest {

    @Test
    void unreachableClusterIsRetriedThenReportedFailedNeverAcknowledged() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ElasticsearchClient client = EsClients.connect(URI.create("http://127.0.0.1:" + closedPort));
        Map<Long, String> failed = new ConcurrentHashMap<>();
        AtomicInteger acked = new AtomicInteger();
        AckListener<Long> acks = new AckListener<>() {
            @Override
            public void acknowledged(Long offset, Ack ack) {
                acked.incrementAndGet();
            }

            @Override
            public void failed(Long offset, SinkDocument document, String reason) {
                failed.put(offset, reason);
            }
        };
        BulkSink.Settings settings = BulkSink.Settings.DEFAULT
                .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(80), 3));
        try (BulkSink<Long> sink = new BulkSink<>(client, settings, acks, (offset, letter) -> {})) {
            sink.submit(new SinkDocument("crash-reports", "d1", 1, new ObjectMapper().createObjectNode()), 41L);
            sink.flush();
            assertTrue(sink.awaitSettled(Duration.ofSeconds(30)));
        } finally {
            EsClients.close(client);
        }
        assertEquals(0, acked.get());
        assertTrue(failed.get(41L).startsWith("gave up after 3 attempts"), failed.toString());
    }
}
