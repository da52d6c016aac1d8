package io.crashpipe.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.crashpipe.sink.write.BulkSink;
import io.crashpipe.sink.write.SinkDocument;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Puts documents into fresh test indices, ready to search, and removes them again. */
public final class TestIndexing {
    private TestIndexing() {}

    public static SinkIndices freshIndices(ElasticsearchClient client) throws IOException {
        SinkIndices indices = SinkIndices.withPrefix("it-" + Long.toHexString(System.nanoTime()) + "-");
        IndexTemplate.installAll(client, indices);
        return indices;
    }

    /** Writes through the real sink, waits for every acknowledgement, refreshes. */
    public static void index(ElasticsearchClient client, SinkIndices indices, List<SinkDocument> docs) throws Exception {
        RecordingAcks acks = new RecordingAcks();
        try (BulkSink<Long> sink = new BulkSink<>(client, BulkSink.Settings.DEFAULT, acks, acks)) {
            long offset = 0;
            for (SinkDocument d : docs) {
                sink.submit(d, offset++);
            }
            sink.flush();
            if (!sink.awaitSettled(Duration.ofSeconds(60)) || acks.acked.size() != docs.size()) {
                throw new AssertionError("not all documents acknowledged: " + acks.acked.size() + " of " + docs.size()
                        + ", failed " + acks.failed);
            }
        }
        client.indices().refresh(r -> r.index(indices.crashReports(), indices.kernelLog()).ignoreUnavailable(true));
    }

    public static void delete(ElasticsearchClient client, SinkIndices indices) throws IOException {
        // The kernel-log name is an alias over dated indices: delete those by name (an alias cannot be
        // deleted as an index, and Elasticsearch 8 refuses wildcard deletes).
        List<String> names = new java.util.ArrayList<>(List.of(indices.crashReports()));
        names.addAll(client.indices().get(g -> g.index(indices.kernelLogPattern()).allowNoIndices(true)
                .ignoreUnavailable(true)).result().keySet());
        client.indices().delete(d -> d.index(names).ignoreUnavailable(true));
        for (String index : List.of(indices.crashReports(), indices.kernelLog())) {
            client.indices().deleteIndexTemplate(d -> d.name(IndexTemplate.templateName(index)));
        }
    }
}
