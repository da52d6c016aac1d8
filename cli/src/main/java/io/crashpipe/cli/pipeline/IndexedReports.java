package io.crashpipe.cli.pipeline;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import org.elasticsearch.client.ResponseException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.PipelineStage;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;

/** Waits for a dump's report to be searchable in Elasticsearch and reads it back as indexed. */
final class IndexedReports implements AutoCloseable {
    private final ElasticsearchClient client;
    private final SinkIndices indices;

    IndexedReports(URI elasticsearch, SinkIndices indices) {
        this.client = EsClients.connect(elasticsearch);
        this.indices = indices;
    }

    /** The report document of {@code dumpId}, once a search can find it (or empty after {@code timeout}). */
    Optional<ObjectNode> awaitReport(String dumpId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var hits = client.search(s -> s.index(indices.crashReports())
                        .query(q -> q.ids(i -> i.values(dumpId))), ObjectNode.class).hits().hits();
                if (!hits.isEmpty() && hits.get(0).source() != null) {
                    return Optional.of(hits.get(0).source());
                }
            } catch (ElasticsearchException | TransportException | ResponseException e) {
                if (!notThereYet(e)) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    /**
     * The report document as stored now (a realtime get, no refresh needed), once the sink has
     * stamped when it became searchable, or as it is after {@code timeout}.
     */
    Optional<ObjectNode> awaitSearchableStamp(String dumpId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ObjectNode> doc = Optional.empty();
        do {
            var got = client.get(g -> g.index(indices.crashReports()).id(dumpId), ObjectNode.class);
            doc = got.found() ? Optional.ofNullable(got.source()) : Optional.empty();
            if (doc.isPresent() && doc.get().path("crash").path("timings").has(PipelineStage.SEARCHABLE.esField())) {
                return doc;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return doc;
    }

    /** Kernel log lines indexed for {@code dumpId}, once the count has stopped growing. */
    long awaitLogLines(String dumpId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long n;
            try {
                client.indices().refresh(r -> r.index(indices.kernelLog()));
                n = client.count(c -> c.index(indices.kernelLog())
                        .query(q -> q.term(t -> t.field("crash.dump_id").value(dumpId)))).count();
            } catch (ElasticsearchException | TransportException | ResponseException e) {
                if (!notThereYet(e)) {
                    throw e;
                }
                n = 0;
            }
            if (n > 0 && n == last) {
                return n;
            }
            last = n;
            Thread.sleep(500);
        }
        return Math.max(last, 0);
    }

    /**
     * An index appears with its first document (404 before) and answers 503 until its shard is
     * active: both mean "not yet", anything else is a real failure.
     */
    private static boolean notThereYet(Exception e) {
        int status = switch (e) {
            case ElasticsearchException x -> x.status();
            case TransportException x -> x.statusCode();
            case ResponseException x -> x.getResponse().getStatusLine().getStatusCode();
            default -> -1;
        };
        return status == 404 || status == 503;
    }

    @Override
    public void close() {
        EsClients.close(client);
    }
}
