package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.doc.ParserVersion;
import io.crashpipe.sink.write.SinkDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kernel-log retention on a real (embedded, ILM-less) Elasticsearch: lines go to one dated index per
 * dump day behind the kernel-log alias, and the sweep deletes the days past retention.
 */
class LogRetentionIT {
    private static ElasticsearchClient client;
    private static final SinkIndices INDICES = SinkIndices.withPrefix("retention-" + System.nanoTime() + "-");
    private static final Instant NOW = Instant.parse("2026-11-22T15:00:00Z");

    @BeforeAll
    static void start() throws Exception {
        client = EsClients.connect(TestElasticsearch.uri());
    }

    @AfterAll
    static void clean() throws Exception {
        if (client != null) {
            TestIndexing.delete(client, INDICES);
            EsClients.close(client);
        }
    }

    private static SinkDocument line(String dump, Instant dumpDay) {
        return new KernelLogLineDocument(dump, 1, dumpDay, 1000, 6, 0, Optional.empty(), "hello from " + dump, "", "",
                "vm", "6.1.0-56-amd64", ParserVersion.parse("0.1.0"), dumpDay, NOW, dumpDay).toSinkDocument(INDICES);
    }

    @Test
    void linesGoToDatedIndicesBehindTheAliasAndTheSweepDeletesDaysPastRetention() throws Exception {
        LogRetention retention = new LogRetention(Duration.ofDays(30));
        assertEquals(LogRetention.Mode.SWEEP, retention.install(client, INDICES), "the embedded node has no ILM");
        IndexTemplate.installAll(client, INDICES);
        Instant old = NOW.minus(Duration.ofDays(45));
        Instant recent = NOW.minus(Duration.ofDays(2));
        TestIndexing.index(client, INDICES, List.of(line("d-old", old), line("d-recent", recent)));
        assertEquals(Set.of(INDICES.kernelLog() + "-2026.10.08", INDICES.kernelLog() + "-2026.11.20"),
                client.indices().get(g -> g.index(INDICES.kernelLogPattern())).result().keySet());
        assertEquals(2, client.count(c -> c.index(INDICES.kernelLog())).count(), "the alias covers every day");

        List<String> deleted = retention.sweep(client, INDICES, Clock.fixed(NOW, ZoneOffset.UTC));

        assertEquals(List.of(INDICES.kernelLog() + "-2026.10.08"), deleted);
        client.indices().refresh(r -> r.index(INDICES.kernelLog()));
        assertEquals(1, client.count(c -> c.index(INDICES.kernelLog())).count());
        assertTrue(retention.sweep(client, INDICES, Clock.fixed(NOW, ZoneOffset.UTC)).isEmpty());
        assertFalse(LogRetention.hasIlm(client));
        assertTrue(LogRetention.FOREVER.sweep(client, INDICES, Clock.fixed(NOW.plus(Duration.ofDays(999)),
                ZoneOffset.UTC)).isEmpty());
    }
}
