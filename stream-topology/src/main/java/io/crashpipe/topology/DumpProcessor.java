package io.crashpipe.topology;

import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-dump state machine. Metadata, chunks and the seal of a dump arrive on one task (the
 * ingest topics are co-partitioned by dump id). Each chunk is indexed by its place in the pages
 * topic; whenever a page the analysis waits for arrives, the analysis runs again; once every
 * section is settled the report and the log lines go out, exactly once per dump and parser version.
 */
final class DumpProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DumpProcessor.class);
    private static final Duration SWEEP_AT_MOST_EVERY = Duration.ofSeconds(15);
    /**
     * Dumps whose analysis (kernel view, per-dump structures, settled sections) this task keeps
     * between passes: a few tens of MB each at most (kallsyms and BTF are the kernel's size, not
     * the dump's), so few; a dump pushed out only builds them again on its next pass.
     */
    static final int ANALYSES_KEPT = 4;
    /**
     * The first chunks of a dump still being analysed are decoded into the chunk cache as they
     * arrive, waited for or not: the agent sends the pages the extractors read first (a few
     * thousand pages, under ten chunks), so the passes to come read them there instead of
     * fetching each from the pages topic again. A few MiB per dump; the cache is bounded anyway.
     */
    static final int EARLY_CHUNKS_CACHED = 16;

    private final DumpTopology.Shared shared;
    private ProcessorContext<String, byte[]> context;
    private PageIndex index;
    private KeyValueStore<String, byte[]> progressStore;
    private KeyValueStore<String, byte[]> metadataStore;
    private final Map<String, Kept> analyses = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > ANALYSES_KEPT;
        }
    };

    /** A dump's analysis and the memory it reads, kept from one pass to the next. */
    private record Kept(StreamedMemory memory, DumpAnalysis analysis) {}

    DumpProcessor(DumpTopology.Shared shared) {
        this.shared = shared;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.index = new PageIndex(context.getStateStore(DumpTopology.PAGE_INDEX_STORE));
        this.progressStore = context.getStateStore(DumpTopology.PROGRESS_STORE);
        this.metadataStore = context.getStateStore(DumpTopology.METADATA_STORE);
        context.schedule(sweepInterval(shared), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        SpecificRecord event;
        try {
            event = shared.serde().deserialize(record.value());
        } catch (IOException | RuntimeException e) {
            waitIfRegistryDown(e);
            deadLetter(record.key(), record.value(), where, DeadLetterHeaders.Stage.DECODE, "undecodable event: " + e.getMessage());
            return;
        }
        try {
            switch (event) {
                case DumpMetadata m -> onMetadata(m, record.value(), record.timestamp(), where);
                case PageChunk c -> onChunk(c, new ChunkLocation(where.partition(), where.offset()));
                case DumpSealed s -> onSealed(s, record.value(), where);
                default -> deadLetter(record.key(), record.value(), where, DeadLetterHeaders.Stage.DECODE,
                        "unexpected event type " + event.getSchema().getFullName() + " on " + where.topic());
            }
        } catch (RuntimeException e) {
            waitIfRegistryDown(e);
            // a bug or a corrupt chunk must not stop the other dumps of this partition
            LOG.warn("dump {}: {} at {}-{}@{} failed: {}", record.key(), event.getSchema().getName(), where.topic(),
                    where.partition(), where.offset(), e.toString());
            deadLetter(record.key(), record.value(), where, DeadLetterHeaders.Stage.ANALYSE, e.toString());
        }
    }

    /**
     * A registry outage is not the event's fault: nothing is dead-lettered, the record is not
     * committed, and its task processes it again (the serde itself waits out outages; this is the
     * case of a wait cut short, as by a shutdown).
     */
    private static void waitIfRegistryDown(Exception e) {
        if (SchemaRegistryClient.isOutage(e)) {
            throw new IllegalStateException("schema registry unavailable; the event is processed again once it answers", e);
        }
    }

    /** @param accepted the record's Kafka timestamp: when the gateway published it */
    private void onMetadata(DumpMetadata meta, byte[] raw, long accepted, RecordMetadata where) {
        String id = meta.getDumpId();
        DumpProgress p = progress(id).withMetadata().acceptedAt(accepted);
        metadataStore.put(id, raw);
        analyses.remove(id); // built from the metadata: a new copy starts over
        LOG.info("dump {}: metadata from host {} ({}, {} pages in RAM)", id, meta.getHost().getHostname(),
                meta.getContainer(), meta.getPageCounts().getInRam());
        if (!p.done() && pagesGone(p)) { // a replay met the seal first: the chunks it announced did not all come
            p = skip(id, p, raw, where);
        }
        save(id, p.done() ? p : analyse(id, p, meta));
    }

    private void onChunk(PageChunk chunk, ChunkLocation at) {
        String id = chunk.getDumpId();
        DumpProgress p = progress(id);
        if (p.hasChunk(chunk.getSequence())) {
            save(id, p); // a re-upload: the index already points at the first copy
            return;
        }
        p = reopenIfPartial(id, p.withChunk(chunk.getSequence()), "chunk " + chunk.getSequence());
        if (p.done()) {
            save(id, p); // the report is out (or a replay gave the dump up); only completion is still tracked
            return;
        }
        List<PfnSpan> pages = ChunkDecoder.spans(chunk.getPages());
        List<PfnSpan> zeros = ChunkDecoder.spans(chunk.getZeroPages());
        pages.forEach(span -> index.add(id, span, false, at));
        zeros.forEach(span -> index.add(id, span, true, at));
        long waiting = p.waitingForPfn();
        boolean wanted = waiting < 0 || p.complete()
                || Stream.concat(pages.stream(), zeros.stream()).anyMatch(span -> span.contains(waiting));
        if (wanted || chunk.getSequence() < EARLY_CHUNKS_CACHED) {
            // the pass reads it straight away, or soon: not from the pages topic again
            shared.cache().put(at, ChunkDecoder.decode(chunk));
        }
        if (wanted && p.hasMetadata()) {
            p = analyse(id, p, metadata(id).orElseThrow());
        }
        save(id, p);
    }

    private void onSealed(DumpSealed seal, byte[] raw, RecordMetadata where) {
        String id = seal.getDumpId();
        DumpProgress p = reopenIfPartial(id, progress(id).sealedWith(seal.getChunkCount(), now()), "the seal");
        LOG.info("dump {}: sealed, {} chunks ({} seen), {} pages", id, seal.getChunkCount(), p.chunksSeen(),
                seal.getPageCount() + seal.getZeroPageCount());
        if (pagesGone(p) && !p.done()) {
            p = skip(id, p, raw, where);
        } else if (p.complete() && !p.done() && p.hasMetadata()) {
            p = analyse(id, p, metadata(id).orElseThrow());
        }
        save(id, p);
    }

    /**
     * A dump reported partial at a stall whose upload goes on (an agent held back by retries for
     * longer than the stall timeout) is analysed again: the next settled pass reports it, and that
     * report replaces the partial one downstream. Without this, every page after the stall was
     * accepted and never read.
     */
    private DumpProgress reopenIfPartial(String id, DumpProgress p, String what) {
        if (!p.reopenable()) {
            return p;
        }
        LOG.info("dump {}: {} arrived after its partial report; analysing it again", id, what);
        TopologyMeters.reopened();
        return p.reopened();
    }

    /**
     * In a replay, a sealed dump short of chunks has lost them for good: the seal follows every
     * chunk in the pages topic, so the replay has already read every chunk still retained. Its
     * earlier report was made with all of them, and a partial one must not take its place.
     */
    private boolean pagesGone(DumpProgress p) {
        return shared.replay() && p.sealed() && !p.complete();
    }

    /**
     * A replay gives the dump up instead of reporting it partial: logged, counted, and the record
     * that showed it goes to the dead letters with the reason, so the skip is visible per dump.
     */
    private DumpProgress skip(String id, DumpProgress p, byte[] raw, RecordMetadata where) {
        String why = "replay skipped dump " + id + ": " + (p.expectedChunks() - p.chunksSeen()) + " of its "
                + p.expectedChunks() + " page chunks are no longer in " + Topics.DUMP_PAGES.name()
                + " (retention deleted them, or they never arrived); its earlier report stays as it was";
        deadLetter(id, raw, where, DeadLetterHeaders.Stage.ANALYSE, why);
        return givenUp(id, p, "pages_expired", why);
    }

    private DumpProgress givenUp(String id, DumpProgress p, String reason, String why) {
        LOG.warn(why);
        TopologyMeters.replaySkipped(reason);
        shared.skipped().incrementAndGet();
        analyses.remove(id);
        return p.skippedAt(now());
    }

    /** Runs every section once; reports when all are settled, else records the page to wait for. */
    private DumpProgress analyse(String id, DumpProgress p, DumpMetadata meta) {
        return runPass(id, p, meta, p.complete());
    }

    /** @param noMorePages a page not indexed now never will be: the section finishes partial instead of waiting */
    private DumpProgress runPass(String id, DumpProgress p, DumpMetadata meta, boolean noMorePages) {
        p = p.passStartedAt(now());
        long t0 = System.nanoTime();
        AnalysisPass.Result result;
        try {
            result = analysis(id, meta, noMorePages).pass();
        } catch (RuntimeException e) {
            LOG.warn("dump {}: analysis failed: {}", id, e.toString(), e);
            analyses.remove(id);
            result = failed(e);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (result instanceof AnalysisPass.Waiting w) {
            LOG.debug("dump {}: pass {} waits for pfn {} ({})", id, p.passes() + 1, Long.toHexString(w.pfn()), w.section());
            TopologyMeters.passWaited(Duration.ofMillis(millis), w.section());
            return p.afterPass(millis, w.pfn());
        }
        analyses.remove(id); // settled: no pass will follow
        AnalysisPass.Settled settled = (AnalysisPass.Settled) result;
        boolean partial = !settled.complete();
        DumpProgress done = p.afterPass(millis, -1);
        TopologyMeters.passSettled(Duration.ofMillis(millis));
        long now = now();
        ReportBuilder.Report report = ReportBuilder.build(meta, settled, done.reportedAt(now, partial),
                shared.parserVersion());
        forward(Topics.CRASH_REPORTS.name(), DumpTopology.REPORTS_SINK, id, report.report());
        for (KernelLogLine line : report.lines()) {
            forward(Topics.KERNEL_LOG.name(), DumpTopology.KERNEL_LOG_SINK, id, line);
        }
        context.commit(); // the report is read committed downstream: commit now, not at the next interval
        shared.reported().incrementAndGet();
        TopologyMeters.reported(!partial);
        LOG.info("dump {}: report out ({} log lines, {} passes, {} ms of analysis, {} chunks seen{}): {}", id,
                report.lines().size(), done.passes(), done.analysisMillis(), done.chunksSeen(),
                done.complete() ? ", sealed" : "", partial ? "partial" : "complete");
        return done.reportedAt(now, partial);
    }

    /**
     * The dump's analysis as the last pass left it, or a new one. Pages only ever arrive, so what
     * a pass settled stays true; only a dump that was sealed and then is not (it cannot happen
     * through {@link DumpProgress}, but a new copy of the metadata could) starts over.
     */
    private DumpAnalysis analysis(String id, DumpMetadata meta, boolean noMorePages) {
        Kept k = analyses.get(id);
        if (k == null || (k.memory().sealed() && !noMorePages)) {
            StreamedMemory memory = new StreamedMemory(id, meta.getPageSize(), index, shared.cache(), shared.source(),
                    noMorePages);
            k = new Kept(memory, new DumpAnalysis(meta.getVmcoreinfo(), CpuNotes.of(meta), memory, shared.sections()));
            analyses.put(id, k);
        }
        k.memory().sealed(noMorePages);
        return k.analysis();
    }

    @Override
    public void close() {
        analyses.clear();
    }

    private AnalysisPass.Settled failed(RuntimeException e) {
        List<Outcome<?>> out = new ArrayList<>();
        for (Extractor<?> x : shared.sections()) {
            out.add(new Outcome.Incomplete<>(x.section(), "analysis failed: " + e));
        }
        return new AnalysisPass.Settled(out);
    }

    /** Often enough that neither the grace time nor the stall timeout is overrun by much. */
    static Duration sweepInterval(DumpTopology.Shared shared) {
        Duration half = (shared.purgeGrace().compareTo(shared.stallTimeout()) < 0 ? shared.purgeGrace()
                : shared.stallTimeout()).dividedBy(2);
        Duration d = half.compareTo(SWEEP_AT_MOST_EVERY) < 0 ? half : SWEEP_AT_MOST_EVERY;
        return d.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : d;
    }

    /** Purges finished dumps after the grace time; reports dumps that stalled before their seal. */
    private void sweep(long timestamp) {
        long now = now();
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = progressStore.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, byte[]> kv : all) {
            String id = kv.key;
            DumpProgress p = DumpProgress.decode(kv.value);
            long idle = now - p.lastEventMillis();
            long doneMillis = p.reported() ? p.reportedMillis() : p.skippedMillis();
            if (p.done() && (p.complete() || idle > shared.purgeGrace().toMillis())
                    && now - doneMillis > shared.purgeGrace().toMillis()) {
                purge(id);
            } else if (!p.hasMetadata() && idle > shared.purgeGrace().toMillis()) {
                LOG.warn("dump {}: chunks but no metadata for {} s; forgetting it", id, idle / 1000);
                purge(id);
            } else if (!p.done() && p.hasMetadata() && idle > shared.stallTimeout().toMillis()) {
                if (shared.replay()) {
                    // No seal in a replay: the last chunks and the seal are gone (or the upload never
                    // finished, and its partial report is already out). Reporting now would replace a
                    // report made with more pages by one made with fewer.
                    save(id, givenUp(id, p, "no_seal", "replay skipped dump " + id + ": no seal in "
                            + Topics.DUMP_PAGES.name() + " after " + idle / 1000 + " s without an event; its pages"
                            + " are gone or it was never sealed, and its earlier report stays as it was"));
                } else {
                    LOG.warn("dump {}: no event for {} s before its seal; reporting what arrived", id, idle / 1000);
                    save(id, runPass(id, p, metadata(id).orElseThrow(), true));
                }
            }
        }
    }

    private void purge(String id) {
        analyses.remove(id);
        int spans = index.purge(id);
        metadataStore.delete(id);
        progressStore.delete(id);
        LOG.info("dump {}: state purged ({} index entries)", id, spans);
    }

    private DumpProgress progress(String id) {
        byte[] b = progressStore.get(id);
        long now = now();
        return b == null ? DumpProgress.start(now) : DumpProgress.decode(b).touched(now);
    }

    private void save(String id, DumpProgress p) {
        progressStore.put(id, p.encode());
    }

    private Optional<DumpMetadata> metadata(String id) {
        byte[] raw = metadataStore.get(id);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(shared.serde().deserialize(raw, DumpMetadata.class));
        } catch (IOException e) {
            throw new UncheckedIOException("stored metadata of dump " + id + " no longer decodes", e);
        }
    }

    private void forward(String topic, String sink, String key, SpecificRecord value) {
        byte[] bytes;
        try {
            bytes = shared.serde().serialize(topic, value);
        } catch (IOException e) {
            throw new UncheckedIOException("registering the schema of " + value.getSchema().getName() + " failed", e);
        }
        context.forward(new Record<>(key, bytes, now()), sink);
    }

    private void deadLetter(String key, byte[] value, RecordMetadata where, DeadLetterHeaders.Stage stage, String error) {
        RecordHeaders h = new RecordHeaders();
        DeadLetterHeaders.write(h, where.topic(), where.partition(), where.offset(), stage, error);
        LOG.warn("dead letter from {}-{}@{}: {}", where.topic(), where.partition(), where.offset(), error);
        TopologyMeters.deadLetter(stage);
        context.forward(new Record<>(key, value, now(), h), DumpTopology.DEAD_LETTER_SINK);
    }

    /** The stream time source's wall clock (the system clock, or a test driver's mock clock). */
    private long now() {
        return context.currentSystemTimeMs();
    }
}
