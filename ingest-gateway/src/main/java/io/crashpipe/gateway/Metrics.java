package io.crashpipe.gateway;

import io.crashpipe.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The gateway's meters, on Micrometer's global registry, and {@code /metrics} rendered from the
 * process's Prometheus registry (with the JVM's and the Kafka producer's meters):
 * {@code crashpipe_gateway_responses_total{status}}, {@code crashpipe_gateway_refusals_total{reason}},
 * {@code crashpipe_gateway_events_published_total{type}}, {@code crashpipe_ingest_chunks_total},
 * {@code crashpipe_ingest_bytes_total}, {@code crashpipe_gateway_publish_seconds},
 * {@code crashpipe_gateway_inflight_bytes}, {@code crashpipe_gateway_inflight_requests},
 * {@code crashpipe_gateway_timeouts_total{deadline}}, {@code crashpipe_gateway_exceptions_total{class}}.
 */
public final class Metrics {
    /** Why a request was turned away; one label value each. */
    enum Refusal {
        NO_ROUTE, UNAUTHORIZED, LENGTH_REQUIRED, TOO_LARGE, UNEXPECTED_BODY, DRAINING, SATURATED, INVALID_EVENT,
        CONFLICT, KAFKA_UNAVAILABLE, TOO_MANY_CONNECTIONS, MALFORMED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Which deadline closed a connection. */
    enum Timeout {
        HEADER, READ, IDLE, WRITE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final MeterRegistry GLOBAL = io.micrometer.core.instrument.Metrics.globalRegistry;

    /** This gateway's own tallies (tests read them; the meters are process-wide). */
    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<Refusal, LongAdder> refusals = new ConcurrentHashMap<>();
    private final Map<Timeout, LongAdder> timeouts = new ConcurrentHashMap<>();
    private final LongAdder exceptions = new LongAdder();
    private volatile LongSupplier inFlightBytes = () -> 0;
    private final RetryAfter retryAfter = new RetryAfter();
    private final Counter chunks = Counter.builder("crashpipe.ingest.chunks")
            .description("Page-chunk events acknowledged by Kafka").register(GLOBAL);
    private final Counter chunkBytes = Counter.builder("crashpipe.ingest.bytes").baseUnit("bytes")
            .description("Page payload bytes of the chunk events acknowledged by Kafka").register(GLOBAL);
    private final Timer publish = Timer.builder("crashpipe.gateway.publish")
            .description("From a validated event to Kafka's acknowledgement (acks=all)").register(GLOBAL);

    Metrics() {
        ServiceMetrics.install();
        Gauge.builder("crashpipe.gateway.inflight.bytes", this, m -> m.inFlightBytes.getAsLong()).baseUnit("bytes")
                .description("Bytes sent to Kafka and not yet acknowledged").register(GLOBAL);
        Gauge.builder("crashpipe.gateway.inflight.requests", inFlight, AtomicLong::get)
                .description("Events being published").register(GLOBAL);
    }

    void response(int status) {
        responses.computeIfAbsent(status, s -> new LongAdder()).increment();
        GLOBAL.counter("crashpipe.gateway.responses", "status", Integer.toString(status)).increment();
    }

    void refused(Refusal why) {
        refusals.computeIfAbsent(why, w -> new LongAdder()).increment();
        Counter.builder("crashpipe.gateway.refusals").description("Requests turned away, by reason")
                .tag("reason", why.label()).register(GLOBAL).increment();
    }

    void timedOut(Timeout which) {
        timeouts.computeIfAbsent(which, w -> new LongAdder()).increment();
        Counter.builder("crashpipe.gateway.timeouts").description("Connections closed by a deadline, by which")
                .tag("deadline", which.label()).register(GLOBAL).increment();
    }

    /** An exception reached the end of a pipeline (it is logged too), by its class. */
    void exception(Throwable t) {
        exceptions.increment();
        Counter.builder("crashpipe.gateway.exceptions").description("Exceptions caught on connections, by class")
                .tag("class", t.getClass().getSimpleName()).register(GLOBAL).increment();
    }

    long refusals(Refusal why) {
        LongAdder a = refusals.get(why);
        return a == null ? 0 : a.sum();
    }

    long timeouts(Timeout which) {
        LongAdder a = timeouts.get(which);
        return a == null ? 0 : a.sum();
    }

    public long exceptions() {
        return exceptions.sum();
    }

    void published(String eventType, long bytes, Duration took) {
        Counter.builder("crashpipe.gateway.events.published").description("Events acknowledged by Kafka, by type")
                .tag("type", eventType).register(GLOBAL).increment();
        publish.record(took);
        retryAfter.acknowledged(took.toNanos() / 1e9);
        if (eventType.equals("PageChunk")) {
            chunks.increment();
            chunkBytes.increment(bytes);
        }
    }

    /** Seconds a client refused for saturation is told to wait (Retry-After), from recent acknowledgements. */
    int saturatedRetryAfter() {
        return retryAfter.seconds();
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
        return ServiceMetrics.scrape();
    }
}
