package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.PipelineStage;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * When each {@link PipelineStage} handled the dump and how much work its analysis took, so the
 * time from a dump being complete on its host to its report being searchable can be charted by
 * stage. Indexed under {@code crash.timings}: one date per stage ({@link PipelineStage#esField()}),
 * {@code sealed} (its last page arrived), the analysis effort, and the spans people look at first.
 * The sink adds {@link PipelineStage#INDEXED} itself when it writes the document, and
 * {@link PipelineStage#SEARCHABLE} once the refresh after the write returned.
 *
 * @param stages the stages known so far (the agent's are missing for a one-off upload)
 * @param sealed when the last page of the dump arrived
 * @param analysisMillis time the extractors spent on this dump
 * @param passes analysis passes run (one more each time a page an extractor waited for arrived)
 * @param chunksSeen page chunks the analysis had seen when this report went out
 */
public record Timings(Map<PipelineStage, Instant> stages, Optional<Instant> sealed, OptionalLong analysisMillis,
        OptionalInt passes, OptionalInt chunksSeen) {

    public static final Timings UNKNOWN = new Timings(Map.of(), Optional.empty(), OptionalLong.empty(),
            OptionalInt.empty(), OptionalInt.empty());

    public Timings {
        EnumMap<PipelineStage, Instant> copy = new EnumMap<>(PipelineStage.class);
        copy.putAll(stages);
        stages = Collections.unmodifiableMap(copy);
    }

    /** With the agent's detection time and the topology's first sight only (reports of older pipelines). */
    public Timings(Optional<Instant> detected, Optional<Instant> dumpAppeared, Optional<Instant> sealed,
            OptionalLong analysisMillis, OptionalInt passes, OptionalInt chunksSeen) {
        this(known(Map.of(PipelineStage.DETECTED, detected, PipelineStage.FIRST_SEEN, dumpAppeared)), sealed,
                analysisMillis, passes, chunksSeen);
    }

    /** Without the agent's detection time (reports of agents that did not send it). */
    public Timings(Optional<Instant> dumpAppeared, Optional<Instant> sealed, OptionalLong analysisMillis,
            OptionalInt passes, OptionalInt chunksSeen) {
        this(Optional.empty(), dumpAppeared, sealed, analysisMillis, passes, chunksSeen);
    }

    /** The stages among {@code maybe} that are known. */
    public static Map<PipelineStage, Instant> known(Map<PipelineStage, Optional<Instant>> maybe) {
        EnumMap<PipelineStage, Instant> m = new EnumMap<>(PipelineStage.class);
        maybe.forEach((stage, at) -> at.ifPresent(t -> m.put(stage, t)));
        return m;
    }

    public Optional<Instant> at(PipelineStage stage) {
        return Optional.ofNullable(stages.get(stage));
    }

    public Optional<Instant> detected() {
        return at(PipelineStage.DETECTED);
    }

    public Optional<Instant> dumpAppeared() {
        return at(PipelineStage.FIRST_SEEN);
    }

    /** @param indexed when the sink wrote the document */
    ObjectNode toSource(Instant indexed) {
        ObjectNode o = Sources.object();
        EnumMap<PipelineStage, Instant> all = new EnumMap<>(stages);
        all.put(PipelineStage.INDEXED, indexed);
        all.forEach((stage, at) -> Sources.putDate(o, stage.esField(), Optional.of(at)));
        Sources.putDate(o, "sealed", sealed);
        Sources.putLong(o, "analysis_ms", analysisMillis);
        Sources.putInt(o, "passes", passes);
        Sources.putInt(o, "chunks_seen", chunksSeen);
        dumpAppeared().ifPresent(t -> o.put("report_after_ms", Duration.between(t, indexed).toMillis()));
        detected().ifPresent(t -> o.put("detected_to_indexed_ms", Duration.between(t, indexed).toMillis()));
        at(PipelineStage.FILE_COMPLETE).ifPresent(t -> o.put("complete_to_indexed_ms", Duration.between(t, indexed).toMillis()));
        return o;
    }

    /**
     * A copy of a crash-report document's source with the {@link PipelineStage#SEARCHABLE} stage
     * added: its date and the span from the dump being complete, when the agent said when that was.
     */
    public static ObjectNode withSearchable(ObjectNode reportSource, Instant searchable) {
        ObjectNode copy = reportSource.deepCopy();
        ObjectNode crash = copy.with("crash");
        ObjectNode timings = crash.has("timings") ? (ObjectNode) crash.get("timings") : crash.putObject("timings");
        Sources.put(timings, PipelineStage.SEARCHABLE.esField(), searchable);
        String complete = timings.path(PipelineStage.FILE_COMPLETE.esField()).asText("");
        if (!complete.isEmpty()) {
            timings.put("complete_to_searchable_ms", Duration.between(Instant.parse(complete), searchable).toMillis());
        }
        return copy;
    }
}
