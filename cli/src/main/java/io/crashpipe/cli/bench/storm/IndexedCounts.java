package io.crashpipe.cli.bench.storm;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.transport.TransportException;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * What Elasticsearch holds for the storm's dumps, counted by dump id: report documents in
 * {@code crash-reports} and kernel-log lines under the {@code kernel-log} alias. Read fresh on
 * every call (refresh first), so a count is what a search would find now.
 */
final class IndexedCounts implements AutoCloseable {
    /** Per dump id: report documents and kernel-log lines. */
    record Snapshot(Map<String, Long> reports, Map<String, Long> logLines) {}

    private static final String DUMP_ID = "crash.dump_id";

    private final ElasticsearchClient client;
    private final SinkIndices indices;
    private final int maxDumps;

    IndexedCounts(URI elasticsearch, SinkIndices indices, int maxDumps) {
        this.client = EsClients.connect(elasticsearch);
        this.indices = indices;
        this.maxDumps = maxDumps;
    }

    Snapshot read() throws IOException {
        return new Snapshot(perDump(indices.crashReports()), perDump(indices.kernelLogPattern()));
    }

    /** Documents per dump id in {@code index}; empty while the index does not exist yet. */
    private Map<String, Long> perDump(String index) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try {
            client.indices().refresh(r -> r.index(index).allowNoIndices(true).ignoreUnavailable(true));
            var response = client.search(s -> s.index(index).allowNoIndices(true).ignoreUnavailable(true).size(0)
                    .aggregations("ids", a -> a.terms(t -> t.field(DUMP_ID).size(Math.max(10, 2 * maxDumps)))), Void.class);
            var ids = response.aggregations().get("ids");
            if (ids != null && ids.isSterms()) {
                for (StringTermsBucket b : ids.sterms().buckets().array()) {
                    out.put(b.key().stringValue(), b.docCount());
                }
            }
        } catch (ElasticsearchException | TransportException e) {
            // an index appears with its first document and answers 503 until its shard is active
            int status = e instanceof ElasticsearchException x ? x.status() : ((TransportException) e).statusCode();
            if (status != 404 && status != 503) {
                throw e;
            }
        }
        return out;
    }

    @Override
    public void close() {
        EsClients.close(client);
    }
}
