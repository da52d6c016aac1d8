package io.crashpipe.sink.write;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.VersionType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Records in each crash report when it became searchable: once the refresh after its write has
 * returned, the document is written again, the same but for that time, under the same external
 * version, so it replaces only itself: a newer document written meanwhile refuses it (409), and
 * that is fine. No refresh follows; the time shows at the index's next one (a realtime get sees it
 * at once). The report was searchable before this write, so nothing waits for it.
 */
public final class SearchableStamp implements BulkSink.Refreshed {
    private final ElasticsearchClient client;
    private final BiFunction<ObjectNode, Instant, ObjectNode> stamp;

    /** @param stamp the document's source with the searchable time added */
    public SearchableStamp(ElasticsearchClient client, BiFunction<ObjectNode, Instant, ObjectNode> stamp) {
        this.client = client;
        this.stamp = stamp;
    }

    @Override
    public void searchable(List<SinkDocument> documents, Instant at) {
        for (SinkDocument d : documents) {
            ObjectNode source = stamp.apply(d.source(), at);
            try {
                client.index(i -> i.index(d.index()).id(d.id()).version(d.version()).versionType(VersionType.ExternalGte)
                        .document(source));
            } catch (ElasticsearchException e) {
                if (e.status() != 409) {
                    throw e;
                }
                // a newer version of the report is there now: it has its own stamp coming
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
