package io.crashpipe.sink.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.NamedValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.sink.SinkIndices;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Top crashers for a period, as Socorro ranks them: signatures by dumps in the period, with the
 * count of the period before it, NEW when the signature's first dump falls in the period, hosts
 * and kernel releases. Computed from the {@code crash-reports} index with aggregations, not from
 * the groups: that index holds exactly one document per dump under its newest parser version (a
 * dump counts once, under its newest report), and only per-dump documents can answer any period
 * and any host or release filter exactly; a group keeps only a host sample and its daily counts.
 */
public final class TopCrashers {
    private static final String SIGNATURE = "crash.signature";
    private static final String HOST = "host.name";
    private static final String RELEASE = "crash.kernel.release";
    /** Below this many distinct hosts, Elasticsearch's cardinality count is exact in practice. */
    private static final int HOST_PRECISION = 40_000;

    /** What to rank: dumps with {@code from <= @timestamp < until}, optionally on one release and hosts matching a glob. */
    public record Period(Instant from, Instant until, Optional<String> release, Optional<String> hostGlob, int limit) {
        public Period {
            if (!from.isBefore(until)) {
                throw new IllegalArgumentException("the period is empty: from " + from + " until " + until);
            }
        }

        Duration length() {
            return Duration.between(from, until);
        }
    }

    /** One ranked signature. */
    public record TopCrasher(int rank, String signature, String title, String type, String frame, long count,
            long previousCount, boolean isNew, long hosts, List<String> hostSample, List<String> kernelReleases,
            Instant firstSeen, Instant lastSeen) {}

    private final ElasticsearchClient client;
    private final SinkIndices indices;

    public TopCrashers(ElasticsearchClient client, SinkIndices indices) {
        this.client = client;
        this.indices = indices;
    }

    public List<TopCrasher> top(Period p) throws IOException {
        SearchResponse<Void> current = aggregate(filters(p, p.from(), p.until()), p.limit(), true);
        List<StringTermsBucket> buckets = signatures(current);
        if (buckets.isEmpty()) {
            return List.of();
        }
        List<FieldValue> keys = buckets.stream().map(b -> FieldValue.of(b.key().stringValue())).toList();
        Map<String, Long> previous = counts(withSignatures(filters(p, p.from().minus(p.length()), p.from()), keys), keys.size());
        Map<String, Instant[]> ever = seen(withSignatures(filters(p, Instant.EPOCH, p.until()), keys), keys.size());
        List<TopCrasher> out = new ArrayList<>();
        for (StringTermsBucket b : buckets) {
            String sig = b.key().stringValue();
            JsonNode top = b.aggregations().get("latest").topHits().hits().hits().get(0).source().to(JsonNode.class);
            Instant[] seen = ever.getOrDefault(sig, new Instant[] {p.from(), p.until()});
            out.add(new TopCrasher(0, sig, top.at("/crash/title").asText(""), top.at("/crash/type").asText(""),
                    top.at("/crash/frame").asText(""), b.docCount(), previous.getOrDefault(sig, 0L),
                    !seen[0].isBefore(p.from()), (long) b.aggregations().get("hosts").cardinality().value(),
                    keysOf(b.aggregations().get("host_sample")), keysOf(b.aggregations().get("releases")), seen[0], seen[1]));
        }
        out.sort(Comparator.comparingLong(TopCrasher::count).reversed().thenComparing(TopCrasher::signature));
        List<TopCrasher> ranked = new ArrayList<>();
        for (TopCrasher t : out) {
            ranked.add(new TopCrasher(ranked.size() + 1, t.signature(), t.title(), t.type(), t.frame(), t.count(),
                    t.previousCount(), t.isNew(), t.hosts(), t.hostSample(), t.kernelReleases(), t.firstSeen(), t.lastSeen()));
        }
        return ranked;
    }

    private static List<Query> filters(Period p, Instant from, Instant until) {
        List<Query> f = new ArrayList<>();
        f.add(Query.of(q -> q.range(r -> r.untyped(u -> u.field("@timestamp").gte(JsonData.of(from.toString()))
                .lt(JsonData.of(until.toString()))))));
        f.add(Query.of(q -> q.exists(e -> e.field(SIGNATURE))));
        p.release().ifPresent(r -> f.add(Query.of(q -> q.term(t -> t.field(RELEASE).value(r)))));
        p.hostGlob().ifPresent(g -> f.add(Query.of(q -> q.wildcard(w -> w.field(HOST).value(g)))));
        return f;
    }

    private static List<Query> withSignatures(List<Query> filters, List<FieldValue> keys) {
        List<Query> f = new ArrayList<>(filters);
        f.add(Query.of(q -> q.terms(t -> t.field(SIGNATURE).terms(v -> v.value(keys)))));
        return f;
    }

    private SearchResponse<Void> aggregate(List<Query> filters, int size, boolean details) throws IOException {
        try {
            return client.search(s -> s.index(indices.crashReports()).size(0).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.bool(b -> b.filter(filters)))
                    .aggregations("sig", a -> {
                        a.terms(t -> t.field(SIGNATURE).size(size)
                                .order(List.of(NamedValue.of("_count", SortOrder.Desc), NamedValue.of("_key", SortOrder.Asc))));
                        if (details) {
                            a.aggregations("hosts", h -> h.cardinality(c -> c.field(HOST).precisionThreshold(HOST_PRECISION)))
                                    .aggregations("host_sample", h -> h.terms(t -> t.field(HOST).size(10)))
                                    .aggregations("releases", h -> h.terms(t -> t.field(RELEASE).size(50)
                                            .order(List.of(NamedValue.of("_key", SortOrder.Asc)))))
                                    .aggregations("latest", h -> h.topHits(t -> t.size(1)
                                            .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Desc)))
                                            .source(src -> src.filter(sf -> sf.includes("crash.title", "crash.type", "crash.frame")))));
                        } else {
                            a.aggregations("first", h -> h.min(m -> m.field("@timestamp")))
                                    .aggregations("last", h -> h.max(m -> m.field("@timestamp")));
                        }
                        return a;
                    }), Void.class);
        } catch (ElasticsearchException e) {
            throw new IOException("Elasticsearch refused the top-crashers aggregation on " + indices.crashReports() + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<StringTermsBucket> signatures(SearchResponse<Void> r) {
        Aggregate sig = r.aggregations().get("sig");
        return sig == null || !sig.isSterms() ? List.of() : sig.sterms().buckets().array();
    }

    private Map<String, Long> counts(List<Query> filters, int size) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (StringTermsBucket b : signatures(aggregate(filters, size, false))) {
            out.put(b.key().stringValue(), b.docCount());
        }
        return out;
    }

    private Map<String, Instant[]> seen(List<Query> filters, int size) throws IOException {
        Map<String, Instant[]> out = new HashMap<>();
        for (StringTermsBucket b : signatures(aggregate(filters, size, false))) {
            out.put(b.key().stringValue(), new Instant[] {
                Instant.ofEpochMilli((long) b.aggregations().get("first").min().value()),
                Instant.ofEpochMilli((long) b.aggregations().get("last").max().value())});
        }
        return out;
    }

    private static List<String> keysOf(Aggregate terms) {
        return terms.sterms().buckets().array().stream().map(b -> b.key().stringValue()).toList();
    }
}
