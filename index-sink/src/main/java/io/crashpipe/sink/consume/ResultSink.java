package io.crashpipe.sink.consume;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.metrics.KafkaMeters;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.EsTls;
import io.crashpipe.sink.SinkMeters;
import io.crashpipe.sink.IndexTemplate;
import java.util.Optional;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.LogRetention;
import io.crashpipe.sink.write.Ack;
import io.crashpipe.sink.write.AckListener;
import io.crashpipe.sink.write.Backoff;
import io.crashpipe.sink.doc.Timings;
import io.crashpipe.sink.write.BulkSink;
import io.crashpipe.sink.write.SearchableStamp;
import io.crashpipe.sink.write.CommitFrontier;
import io.crashpipe.sink.write.DeadLetter;
import io.crashpipe.sink.write.SinkDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the result topics ({@code crash-reports}, {@code kernel-log}) and writes them to
 * Elasticsearch through the {@link BulkSink}, committing an offset only once every record below
 * it was acknowledged (written, superseded by a newer parser's result, or dead-lettered). A crash
 * of the sink therefore re-reads at most what was not yet acknowledged, and re-reading is
 * idempotent (document ids come from the records, versions from the parser), so Elasticsearch
 * sees every result exactly once.
 *
 * <p>One thread polls, decodes, submits, pauses and commits; the consumer is never touched from
 * another thread except by {@link #close()}'s wakeup. Records the sink cannot use go to the
 * dead-letters topic with {@link DeadLetterHeaders}, and the pipeline goes on.
 */
public final class ResultSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSink.class);
    static final String THREAD_NAME = "crashpipe-index-sink";
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /** Waits between attempts to decode a record while the registry does not answer; never gives up. */
    private static final Backoff REGISTRY_RETRY =
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Integer.MAX_VALUE);
    /** Fetched but not yet polled bytes sit in the consumer, outside the in-flight bound: keep them few. */
    private static final int FETCH_MAX_BYTES = 16 << 20;

    private final SinkConfig config;
    private final ElasticsearchClient es;
    private final DeadLetterProducer deadLetters;
    private final BulkSink<SourceRecord> writer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaMeters.Binding meters;
    private final ResultDecoder decoder;
    private final CommitFrontier<TopicPartition> frontier = new CommitFrontier<>();
    private final FlowControl flow;
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Filled by the writer's and producer's threads, emptied by the poll thread. */
    private final Queue<Redo> givenUp = new ConcurrentLinkedQueue<>();
    private final Thread poller;
    private static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    private long nextSweepNanos = System.nanoTime();
    /** Poll thread only: what was last committed, so unchanged offsets are not committed again. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long nextCommitNanos;
    /** Poll thread only: set once the final drain and commit began, so a rebalance callback keeps out. */
    private boolean shuttingDown;

    /**
     * Installs the index templates, subscribes to the result topics and starts polling.
     *
     * @throws UncheckedIOException when Elasticsearch does not take the templates (unreachable, refused)
     */
    public static ResultSink start(SinkConfig config) {
        return start(config, EsTls.DEFAULT);
    }

    /** As {@link #start(SinkConfig)}, reaching Elasticsearch over TLS with {@code tls}'s CAs and client certificate. */
    public static ResultSink start(SinkConfig config, EsTls tls) {
        ElasticsearchClient es = installTemplates(config, tls);
        DeadLetterProducer deadLetters = null;
        ResultSink sink;
        try {
            deadLetters = new DeadLetterProducer(config.bootstrapServers());
            sink = new ResultSink(config, es, deadLetters, new KafkaConsumer<>(consumerConfig(config),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        } catch (RuntimeException e) {
            if (deadLetters != null) {
                deadLetters.close();
            }
            EsClients.close(es);
            throw e;
        }
        sink.poller.start();
        LOG.info("index sink started: group {} reads {} and {} from {} into {} ({}, {}), dead letters to {}",
                config.groupId(), Topics.CRASH_REPORTS.name(), Topics.KERNEL_LOG.name(), config.bootstrapServers(),
                EsClients.redacted(config.elasticsearch()), config.indices().crashReports(), config.indices().kernelLog(),
                Topics.DEAD_LETTERS.name());
        return sink;
    }

    /** Whether the poller still runs (a liveness probe's question: false once it stopped for good). */
    public boolean running() {
        return poller.isAlive() && !closing.get();
    }

    /** Documents acknowledged by Elasticsearch so far: written, or superseded by a newer parser's result. */
    public long indexed() {
        return indexed.get();
    }

    /**
     * Stops polling, flushes the writer, waits up to {@link SinkConfig#closeTimeout()} for
     * acknowledgements, commits what they cover and closes everything. Records still
     * unacknowledged stay uncommitted and are read again by the next start.
     */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            consumer.wakeup();
        }
        try {
            poller.join(config.closeTimeout().plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (poller.isAlive()) {
            LOG.warn("index sink thread still shutting down after {}", config.closeTimeout().plusSeconds(30));
        }
    }

    private static ElasticsearchClient installTemplates(SinkConfig config, EsTls tls) {
        ElasticsearchClient es;
        try {
            es = EsClients.connect(config.elasticsearch(), tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            SinkIndices indices = config.indices();
            if (es.indices().exists(e -> e.index(indices.kernelLog())).value()
                    && !es.indices().existsAlias(a -> a.name(indices.kernelLog())).value()) {
                throw new IOException("'" + indices.kernelLog() + "' is a plain index (written by a crashpipe before"
                        + " dated kernel-log indices); the log lines now go to " + indices.kernelLogPattern()
                        + " behind an alias of that name: delete or rename it, or use another --index-prefix");
            }
            LogRetention.Mode mode = config.logRetention().install(es, indices);
            IndexTemplate.installAll(es, indices, mode == LogRetention.Mode.ILM
                    ? Optional.of(LogRetention.policyName(indices)) : Optional.empty());
            LOG.info("kernel log retention {}: {}", config.logRetention().keep(), switch (mode) {
                case ILM -> "ILM policy " + LogRetention.policyName(indices);
                case SWEEP -> "the sink deletes older dated indices (the cluster has no ILM)";
                case NONE -> "kept forever";
            });
            return es;
        } catch (IOException | RuntimeException e) {
            EsClients.close(es);
            throw new UncheckedIOException(new IOException("cannot install the index templates on Elasticsearch "
                    + EsClients.redacted(config.elasticsearch()) + ": " + e.getMessage(), e));
        }
    }

    private ResultSink(SinkConfig config, ElasticsearchClient es, DeadLetterProducer deadLetters,
            KafkaConsumer<byte[], byte[]> consumer) {
        this.config = config;
        this.es = es;
        this.deadLetters = deadLetters;
        this.consumer = consumer;
        this.meters = KafkaMeters.bind(consumer);
        this.flow = new FlowControl(config.maxInFlightRecords(), config.maxInFlightBytes(), REGISTRY_RETRY);
        this.decoder = new ResultDecoder(new EventSerde(new SchemaRegistryClient(config.registry())), config.indices(),
                Clock.systemUTC());
        this.writer = new BulkSink<>(es, config.bulk(), new Acks(),
                (source, letter) -> deadLetters.store(source, DeadLetterHeaders.Stage.INDEX, reason(letter)))
                // a report is searchable as soon as it is written; the kernel log's bulk keeps the index's interval
                .searchableAtOnce(Set.of(config.indices().crashReports()))
                // and then says when, in the report (its timings' last stage)
                .whenSearchable(new SearchableStamp(es, Timings::withSearchable));
        consumer.subscribe(List.of(Topics.CRASH_REPORTS.name(), Topics.KERNEL_LOG.name(), Topics.CRASH_GROUPS.name(),
                Topics.CRASH_ALERTS.name()), new Rebalance());
        this.poller = new Thread(this::run, THREAD_NAME);
        poller.setDaemon(false);
        this.nextCommitNanos = System.nanoTime() + config.commitInterval().toNanos();
    }

    private static Map<String, Object> consumerConfig(SinkConfig config) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                // Offsets are committed by hand, only as far as Elasticsearch acknowledged.
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // The topology writes in exactly-once transactions: never index an aborted result.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // A new group indexes everything the topics still hold.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, SinkConfig.MAX_POLL_RECORDS,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
    }

    private void run() {
        try {
            while (!closing.get()) {
                redoGivenUp();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                for (TopicPartition partition : records.partitions()) {
                    take(partition, records.records(partition));
                }
                applyFlowControl();
                SinkMeters.lag(consumer);
                if (System.nanoTime() - nextCommitNanos >= 0) {
                    commit();
                }
                sweepOldLogIndices();
            }
        } catch (WakeupException e) {
            // close() woke the consumer: shut down in order below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("index sink stopped polling: {}", e.toString(), e);
        } finally {
            shutDown();
        }
    }

    /** Where the cluster has no ILM: deletes the dated kernel-log indices past retention, once an hour. */
    private void sweepOldLogIndices() {
        if (System.nanoTime() - nextSweepNanos < 0 || config.logRetention().keep().isZero()) {
            return;
        }
        nextSweepNanos = System.nanoTime() + SWEEP_INTERVAL.toNanos();
        try {
            if (!LogRetention.hasIlm(es)) {
                config.logRetention().sweep(es, config.indices(), Clock.systemUTC());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("log retention sweep failed (next try in {}): {}", SWEEP_INTERVAL, e.toString());
        }
    }

    /** Submits one partition's records in order; stops at a record the registry cannot decode yet. */
    private void take(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records)
            throws InterruptedException {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SourceRecord source = SourceRecord.of(record);
            switch (decoder.decode(record)) {
                case ResultDecoder.Document d -> {
                    if (track(source)) {
                        writer.submit(d.document(), source);
                    }
                }
                case ResultDecoder.Poison p -> {
                    if (track(source)) {
                        deadLetterUndecodable(source, p.error());
                    }
                }
                case ResultDecoder.RetryLater later -> {
                    // Read this record again, and what follows it, once the partition's wait is over.
                    consumer.seek(partition, record.offset());
                    Duration wait = flow.retryLater(partition, System.nanoTime());
                    LOG.warn("cannot decode {} now, retrying in {} ms (registry {}): {}", source, wait.toMillis(),
                            config.registry(), later.reason());
                    return;
                }
            }
        }
    }

    /** Counts the record as outstanding and in flight; false when a copy of it still is (nothing to do). */
    private boolean track(SourceRecord source) {
        flow.answered(source.partition());
        if (!frontier.submitted(source.partition(), source.offset())) {
            return false;
        }
        flow.taken(source);
        return true;
    }

    private void deadLetterUndecodable(SourceRecord source, String error) {
        deadLetters.send(source, DeadLetterHeaders.Stage.DECODE, error).whenComplete((stored, e) -> {
            if (e == null) {
                acknowledge(source);
            } else {
                LOG.warn("{} could not be dead-lettered, trying again: {}", source, e.toString());
                givenUp.add(new Redo.Undecodable(source, error));
            }
        });
    }

    /**
     * Hands records the writer or the dead-letter producer gave up on back to them. They stay
     * outstanding and in flight meanwhile, so their offsets are not committed and, while many
     * wait (Elasticsearch or Kafka away for long), the consumer stays paused.
     */
    private void redoGivenUp() throws InterruptedException {
        for (Redo redo = givenUp.poll(); redo != null; redo = givenUp.poll()) {
            switch (redo) {
                case Redo.Write w -> writer.submit(w.document(), w.source());
                case Redo.Undecodable d -> deadLetterUndecodable(d.source(), d.error());
            }
        }
    }

    private void acknowledge(SourceRecord source) {
        frontier.acknowledged(source.partition(), source.offset());
        flow.settled(source);
    }

    private static String reason(DeadLetter letter) {
        return letter.status() + " " + letter.errorType() + ": " + letter.reason();
    }

    private void applyFlowControl() {
        Set<TopicPartition> wanted = flow.paused(consumer.assignment(), System.nanoTime());
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> pause = new HashSet<>(wanted);
        pause.removeAll(paused);
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(wanted);
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Commits, for every assigned partition, the offset below which everything is acknowledged. */
    private void commit() {
        nextCommitNanos = System.nanoTime() + config.commitInterval().toNanos();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> acknowledged = frontier.committable();
        for (TopicPartition partition : consumer.assignment()) {
            long offset = acknowledged.getOrDefault(partition, -1L);
            // When nothing is outstanding, everything below the position was taken and acknowledged;
            // the position is also past transaction markers, so a caught-up group shows no lag.
            if (frontier.settled(partition)) {
                offset = Math.max(offset, knownPosition(partition).orElse(-1));
            }
            if (offset >= 0 && offset != committed.getOrDefault(partition, -1L)) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((partition, o) -> committed.put(partition, o.offset()));
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
            LOG.warn("committing offsets failed, trying again later: {}", e.toString());
        }
    }

    private OptionalLong knownPosition(TopicPartition partition) {
        try {
            return OptionalLong.of(consumer.position(partition, Duration.ZERO));
        } catch (TimeoutException e) {
            return OptionalLong.empty(); // not fetched from yet: nothing to commit there
        }
    }

    /** Sends everything buffered and waits (bounded) until what was taken is acknowledged. */
    private void drain() {
        try {
            redoGivenUp();
            writer.flush();
            deadLetters.flush();
            if (!flow.awaitIdle(config.closeTimeout())) {
                LOG.warn("{} records still unacknowledged after {}; they stay uncommitted", flow.inFlight(),
                        config.closeTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutDown() {
        shuttingDown = true;
        try {
            drain();
            commitAfterWakeup();
        } catch (RuntimeException e) {
            LOG.warn("final commit failed; unacknowledged and uncommitted records are read again on the next start: {}",
                    e.toString());
        } finally {
            meters.close();
            closeQuietly("the consumer", consumer::close);
            closeQuietly("the writer", () -> writer.close(Duration.ZERO)); // drain() waited for what could settle
            closeQuietly("the dead-letter producer", deadLetters::close);
            EsClients.close(es);
            LOG.info("index sink stopped: {} documents indexed", indexed.get());
        }
    }

    /** One part failing to close must not keep the others open. */
    private static void closeQuietly(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("closing {} failed: {}", what, e.toString());
        }
    }

    /** The final commit: close() may have left a wakeup pending, which the first consumer call consumes. */
    private void commitAfterWakeup() {
        try {
            commit();
        } catch (WakeupException pending) {
            commit();
        }
    }

    /** A record to hand to the writer or the dead-letter producer again. */
    private sealed interface Redo {
        record Write(SinkDocument document, SourceRecord source) implements Redo {}

        record Undecodable(SourceRecord source, String error) implements Redo {}
    }

    private final class Acks implements AckListener<SourceRecord> {
        @Override
        public void acknowledged(SourceRecord source, Ack ack) {
            if (!(ack instanceof Ack.DeadLettered)) {
                indexed.incrementAndGet();
            }
            SinkMeters.document(switch (ack) {
                case Ack.Written w -> "written";
                case Ack.Superseded sup -> "superseded";
                case Ack.DeadLettered d -> "dead_lettered";
            });
            acknowledge(source);
        }

        @Override
        public void failed(SourceRecord source, SinkDocument document, String reason) {
            LOG.warn("{} (document {}) not written within the retry budget, submitting it again: {}", source,
                    document.id(), reason);
            givenUp.add(new Redo.Write(document, source));
        }
    }

    /** Hands partitions over with their acknowledged offsets committed, so the next owner starts there. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty() || shuttingDown) {
                return; // on close, shutDown() has drained and committed already
            }
            drain();
            commit();
            revoked.forEach(committed::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            // Another member owns them already, so committing would fail; it re-reads at most what
            // was unacknowledged here, and writes are idempotent.
            lost.forEach(committed::remove);
        }
    }
}
