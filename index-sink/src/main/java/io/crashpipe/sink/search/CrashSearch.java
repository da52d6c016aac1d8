package io.crashpipe.sink.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.mapping.FieldType;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.SinkIndices;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * One query over both indices: the crash reports it matches and the kernel log lines it matches,
 * newest first. The query uses Elasticsearch's simple query string syntax (words are ANDed,
 * {@code "quoted phrases"}, {@code -exclusion}, {@code prefix*}) over every field.
 */
public final class CrashSearch {

    /** @param total how many documents matched; {@code documents} holds at most the requested size */
    public record Hits(long total, List<ObjectNode> documents) {}

    /** @param groups the crash groups (one per signature) the query matches, most dumps first */
    public record Results(Hits crashes, Hits logLines, Hits groups) {}

    private final ElasticsearchClient client;
    private final SinkIndices indices;

    public CrashSearch(ElasticsearchClient client, SinkIndices indices) {
        this.client = client;
        this.indices = indices;
    }

    public Results search(String query, int size) throws IOException {
        Query q = Query.of(b -> b.simpleQueryString(s -> s.query(query).defaultOperator(Operator.And).lenient(true)));
        return new Results(
                hits(indices.crashReports(), q, size, List.of(NEWEST_FIRST)),
                hits(indices.kernelLog(), q, size, List.of(NEWEST_FIRST, new SortKey("crash.log.seq", SortOrder.Asc))),
                hits(indices.crashGroups(), q, size, List.of(new SortKey("group.count", SortOrder.Desc), NEWEST_FIRST)));
    }

    private record SortKey(String field, SortOrder order) {}

    private static final SortKey NEWEST_FIRST = new SortKey("@timestamp", SortOrder.Desc);

    private Hits hits(String index, Query q, int size, List<SortKey> sort) throws IOException {
        SearchResponse<ObjectNode> r;
        try {
            r = client.search(s -> {
                s.index(index).query(q).size(size).trackTotalHits(t -> t.enabled(true))
                        .ignoreUnavailable(true).allowNoIndices(true);
                for (SortKey k : sort) {
                    // unmappedType: an index that does not exist yet sorts as empty instead of failing
                    s.sort(o -> o.field(f -> f.field(k.field()).order(k.order()).unmappedType(FieldType.Long)));
                }
                return s;
            }, ObjectNode.class);
        } catch (ElasticsearchException e) {
            throw new IOException("Elasticsearch refused the search in " + index + ": " + e.getMessage(), e);
        }
        long total = r.hits().total() == null ? r.hits().hits().size() : r.hits().total().value();
        return new Hits(total, r.hits().hits().stream().map(Hit::source).filter(Objects::nonNull).toList());
    }
}
