package io.crashpipe.sink.write;

import io.crashpipe.sink.SinkMeters;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Writes documents with the client's BulkIngester, settling each submitted record exactly once
 * through the {@link AckListener}.
 *
 * <ul>
 *   <li>Idempotent: the id comes from the record (dump id; dump id + sequence), so a redelivered
 *       record overwrites itself.
 *   <li>Newest parser wins: every write uses external versioning ({@code external_gte}) with the
 *       parser version's ordinal, so Elasticsearch itself refuses an older replay's document
 *       (no scripting needed, which this Elasticsearch lacks); that refusal is acknowledged as
 *       {@link Ack.Superseded}.
 *   <li>Transient failures (whole request or single items: 429, 5xx, unreachable) are retried per
 *       record with {@link Backoff}; poison (other 4xx) goes to the {@link DeadLetterHandler}.
 *   <li>Memory is bounded: at most {@link Settings#maxPending()} records are in flight or waiting
 *       for a retry; {@link #submit} blocks beyond that.
 *   <li>Searchable at once where it matters: a document for an index named by
 *       {@link #searchableAtOnce} is sent without waiting for the flush interval, and that index is
 *       refreshed as soon as the bulk holding it is written, instead of at the index's next
 *       periodic refresh. Bulk indices (the kernel log) keep their interval.
 * </ul>
 */
public final class BulkSink<C> implements AutoCloseable {

    public record Settings(int maxOperations, long maxBytes, Duration flushInterval, int maxConcurrentRequests,
            int maxPending, Backoff backoff) {
        public static final Settings DEFAULT =
                new Settings(1000, 5L << 20, Duration.ofMillis(500), 2, 10_000, Backoff.DEFAULT);

        public Settings withBackoff(Backoff b) {
            return new Settings(maxOperations, maxBytes, flushInterval, maxConcurrentRequests, maxPending, b);
        }
    }

    /** One try at one record. */
    private record Attempt<C>(SinkDocument document, C context, int number) {
        Attempt<C> next() {
            return new Attempt<>(document, context, number + 1);
        }
    }

    private final Settings settings;
    private final AckListener<C> acks;
    private final DeadLetterHandler<C> deadLetters;
    private final BulkIngester<Attempt<C>> ingester;
    /**
     * The refresh-on-write documents' own ingester: a report never queues behind bulk requests of
     * log lines in flight (the one ingester allows {@code maxConcurrentRequests} and a flush waits
     * for a free one), so it is written, and searchable, as soon as it arrives.
     */
    private final BulkIngester<Attempt<C>> urgent;
    private final ScheduledExecutorService retries;
    /** Refreshes and stamps after writes, in order, off the client's I/O thread. */
    private final java.util.concurrent.ExecutorService refresher;
    private final Semaphore pending;
    private final ElasticsearchClient client;
    private volatile Set<String> refreshOnWrite = Set.of();
    private volatile Refreshed refreshed = (documents, at) -> {};

    /** Told, off the client's I/O thread, which refresh-on-write documents became searchable and when. */
    @FunctionalInterface
    public interface Refreshed {
        void searchable(List<SinkDocument> documents, java.time.Instant at);
    }

    public BulkSink(ElasticsearchClient client, Settings settings, AckListener<C> acks, DeadLetterHandler<C> deadLetters) {
        this.settings = settings;
        this.acks = acks;
        this.deadLetters = deadLetters;
        this.pending = new Semaphore(settings.maxPending());
        this.client = client;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "crashpipe-sink-retry");
            t.setDaemon(true);
            return t;
        });
        this.refresher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "crashpipe-sink-refresh");
            t.setDaemon(true);
            return t;
        });
        this.ingester = newIngester(client, settings);
        this.urgent = newIngester(client, settings);
    }

    /** One bulk ingester with the sink's limits; the urgent one is a second, so reports never queue behind log lines. */
    private BulkIngester<Attempt<C>> newIngester(ElasticsearchClient client, Settings settings) {
        return BulkIngester.of(b -> b
                .client(client)
                .maxOperations(settings.maxOperations())
                .maxSize(settings.maxBytes())
                .maxConcurrentRequests(settings.maxConcurrentRequests())
                .flushInterval(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS)
                .listener(new Listener()));
    }

    /** Documents for these indices are flushed at once and their index refreshed right after the write. */
    public BulkSink<C> searchableAtOnce(Set<String> indices) {
        this.refreshOnWrite = Set.copyOf(indices);
        return this;
    }

    /** Called after each refresh that made documents of a refresh-on-write index searchable. */
    public BulkSink<C> whenSearchable(Refreshed listener) {
        this.refreshed = listener;
        return this;
    }

    /** Queues a record; blocks while {@code maxPending} records are unsettled. */
    public void submit(SinkDocument document, C context) throws InterruptedException {
        pending.acquire();
        send(new Attempt<>(document, context, 1));
        if (refreshOnWrite.contains(document.index())) {
            urgent.flush();
        }
    }

    /** Sends what is buffered now instead of waiting for the flush interval. */
    public void flush() {
        urgent.flush();
        ingester.flush();
    }

    /** Whether every submitted record has been settled (acknowledged or failed). */
    public boolean idle() {
        return pending.availablePermits() == settings.maxPending();
    }

    /**
     * Waits until every submitted record is settled or the timeout passes.
     *
     * @return true when all are settled
     */
    public boolean awaitSettled(Duration timeout) throws InterruptedException {
        if (!pending.tryAcquire(settings.maxPending(), timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        pending.release(settings.maxPending());
        return true;
    }

    /**
     * Flushes, waits (bounded by the retry budget) for every record to settle, and stops. Records
     * still unsettled then were never acknowledged, so their offsets stay uncommitted.
     */
    @Override
    public void close() {
        close(worstCaseRetryTime());
    }

    /**
     * As {@link #close()}, but waits at most {@code settleTimeout} for records to settle, for a
     * caller (a consumer shutting down) that must not hang while Elasticsearch is away.
     */
    public void close(Duration settleTimeout) {
        urgent.flush();
        ingester.flush();
        try {
            awaitSettled(settleTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.shutdownNow();
        refresher.shutdown(); // refreshes and searchable stamps under way or queued finish
        try {
            refresher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        urgent.close();
        ingester.close();
    }

    private Duration worstCaseRetryTime() {
        Backoff b = settings.backoff();
        Duration total = Duration.ofSeconds(30);
        for (int i = 1; i < b.maxAttempts(); i++) {
            total = total.plus(b.delayAfter(i)).plusSeconds(30);
        }
        return total;
    }

    private void send(Attempt<C> attempt) {
        SinkDocument d = attempt.document();
        BulkOperation op = BulkOperation.of(o -> o.index(i -> i
                .index(d.index())
                .id(d.id())
                .version(d.version())
                .versionType(VersionType.ExternalGte)
                .document(d.source())));
        (refreshOnWrite.contains(d.index()) ? urgent : ingester).add(op, attempt);
    }

    private void settle(Attempt<C> a, Ack ack) {
        try {
            acks.acknowledged(a.context(), ack);
        } finally {
            pending.release();
        }
    }

    private void fail(Attempt<C> a, String reason) {
        SinkMeters.bulkFailure("gave_up");
        try {
            acks.failed(a.context(), a.document(), reason);
        } finally {
            pending.release();
        }
    }

    private void retryOrFail(Attempt<C> a, String reason) {
        Backoff backoff = settings.backoff();
        if (!backoff.mayRetryAfter(a.number())) {
            fail(a, "gave up after " + a.number() + " attempts: " + reason);
            return;
        }
        try {
            retries.schedule(() -> send(a.next()), backoff.delayAfter(a.number()).toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            fail(a, "writer closed while retrying: " + reason);
        }
    }

    private void poison(Attempt<C> a, BulkResponseItem item) {
        DeadLetter letter = new DeadLetter(a.document(), item.status(), item.error().type(), item.error().reason());
        try {
            deadLetters.deadLetter(a.context(), letter);
        } catch (Exception e) {
            fail(a, "poison record " + a.document().id() + " (" + letter.errorType() + ": " + letter.reason()
                    + ") could not be dead-lettered: " + e);
            return;
        }
        settle(a, new Ack.DeadLettered(a.document(), letter));
    }

    /**
     * Refreshes, off the client's I/O thread, each refresh-on-write index this bulk wrote to. A
     * failed refresh only delays searchability until the index's periodic refresh.
     */
    private void refreshWritten(List<Attempt<C>> contexts, List<BulkResponseItem> items) {
        Set<String> wrote = new java.util.TreeSet<>();
        List<SinkDocument> documents = new java.util.ArrayList<>();
        for (int i = 0; i < contexts.size() && i < items.size(); i++) {
            SinkDocument d = contexts.get(i).document();
            String index = d.index(); // as named (an alias stays an alias)
            if (items.get(i).error() == null && refreshOnWrite.contains(index)) {
                wrote.add(index);
                documents.add(d);
            }
        }
        if (wrote.isEmpty()) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    client.indices().refresh(r -> r.index(List.copyOf(wrote)));
                } catch (java.io.IOException | RuntimeException e) {
                    SinkMeters.bulkFailure("refresh");
                    return;
                }
                try {
                    refreshed.searchable(documents, java.time.Instant.now());
                } catch (RuntimeException e) {
                    SinkMeters.bulkFailure("searchable_stamp");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down: the periodic refresh will do
        }
    }

    private final class Listener implements BulkListener<Attempt<C>> {
        @Override
        public void beforeBulk(long executionId, BulkRequest request, List<Attempt<C>> contexts) {}

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Attempt<C>> contexts, BulkResponse response) {
            List<BulkResponseItem> items = response.items();
            refreshWritten(contexts, items);
            RuntimeException listenerFailure = null;
            for (int i = 0; i < contexts.size(); i++) {
                // A throwing callback must not leave the rest of the bulk unsettled.
                try {
                    settleItem(contexts.get(i), items.get(i));
                } catch (RuntimeException e) {
                    listenerFailure = listenerFailure == null ? e : listenerFailure;
                }
            }
            if (listenerFailure != null) {
                throw listenerFailure;
            }
        }

        private void settleItem(Attempt<C> a, BulkResponseItem item) {
            if (item.error() == null) {
                settle(a, new Ack.Written(a.document(), item.result()));
                return;
            }
            switch (ItemFailure.classify(item.status(), item.error().type())) {
                case SUPERSEDED -> settle(a, new Ack.Superseded(a.document()));
                case RETRY -> {
                    SinkMeters.bulkFailure("retry");
                    retryOrFail(a, item.status() + " " + item.error().type() + ": " + item.error().reason());
                }
                case POISON -> {
                    SinkMeters.bulkFailure("poison");
                    poison(a, item);
                }
            }
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Attempt<C>> contexts, Throwable failure) {
            SinkMeters.bulkFailure("request");
            for (Attempt<C> a : contexts) {
                retryOrFail(a, "bulk request failed: " + failure);
            }
        }
    }
}
