package io.crashpipe.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counters for {@code /metrics}, rendered in the Prometheus text format. */
public final class Metrics {
    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> published = new ConcurrentHashMap<>();
    private final LongAdder pageBytes = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile LongSupplier inFlightBytes = () -> 0;

    void response(int status) {
        responses.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void published(String eventType, long bytes) {
        published.computeIfAbsent(eventType, s -> new LongAdder()).increment();
        if (eventType.equals("PageChunk")) {
            pageBytes.add(bytes);
        }
    }

    void inFlightBytes(LongSupplier s) {
        inFlightBytes = s;
    }

    AtomicLong inFlightRequests() {
        return inFlight;
    }

    public long responses(int status) {
        LongAdder a = responses.get(status);
        return a == null ? 0 : a.sum();
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP crashpipe_gateway_responses_total HTTP responses by status.\n");
        sb.append("# TYPE crashpipe_gateway_responses_total counter\n");
        new TreeMap<>(responses).forEach((k, v) ->
                sb.append("crashpipe_gateway_responses_total{status=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
        sb.append("# HELP crashpipe_gateway_events_published_total Events acknowledged by Kafka.\n");
        sb.append("# TYPE crashpipe_gateway_events_published_total counter\n");
        new TreeMap<>(published).forEach((k, v) ->
                sb.append("crashpipe_gateway_events_published_total{type=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
        sb.append("# HELP crashpipe_gateway_chunk_bytes_total Bytes of page-chunk events acknowledged by Kafka.\n");
        sb.append("# TYPE crashpipe_gateway_chunk_bytes_total counter\n");
        sb.append("crashpipe_gateway_chunk_bytes_total ").append(pageBytes.sum()).append('\n');
        sb.append("# HELP crashpipe_gateway_inflight_bytes Bytes sent to Kafka and not yet acknowledged.\n");
        sb.append("# TYPE crashpipe_gateway_inflight_bytes gauge\n");
        sb.append("crashpipe_gateway_inflight_bytes ").append(inFlightBytes.getAsLong()).append('\n');
        return sb.toString();
    }
}
