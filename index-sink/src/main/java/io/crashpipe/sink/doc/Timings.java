package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * When each stage of the pipeline handled the dump and how much work its analysis took, so the
 * time from a dump being complete on its host to its report being searchable can be charted by
 * stage: detected (the agent judged the dump complete), dump appeared (the topology saw its first
 * event), sealed (its last page arrived), indexed (the sink wrote this report; the crash-reports
 * index is refreshed right after, so it is searchable then).
 *
 * @param detected when the agent judged the dump complete (its rename into place), if it said
 * @param dumpAppeared when the pipeline saw the dump's first event
 * @param sealed when the last page of the dump arrived
 * @param analysisMillis time the extractors spent on this dump
 * @param passes analysis passes run (one more each time a page an extractor waited for arrived)
 * @param chunksSeen page chunks the analysis had seen when this report went out
 */
public record Timings(Optional<Instant> detected, Optional<Instant> dumpAppeared, Optional<Instant> sealed,
        OptionalLong analysisMillis, OptionalInt passes, OptionalInt chunksSeen) {

    public static final Timings UNKNOWN = new Timings(Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty());

    /** Without the agent's detection time (reports of agents that did not send it). */
    public Timings(Optional<Instant> dumpAppeared, Optional<Instant> sealed, OptionalLong analysisMillis,
            OptionalInt passes, OptionalInt chunksSeen) {
        this(Optional.empty(), dumpAppeared, sealed, analysisMillis, passes, chunksSeen);
    }

    /** @param indexed when the sink wrote the document */
    ObjectNode toSource(Instant indexed) {
        ObjectNode o = Sources.object();
        Sources.putDate(o, "detected", detected);
        Sources.putDate(o, "dump_appeared", dumpAppeared);
        Sources.putDate(o, "sealed", sealed);
        Sources.putDate(o, "indexed", Optional.of(indexed));
        Sources.putLong(o, "analysis_ms", analysisMillis);
        Sources.putInt(o, "passes", passes);
        Sources.putInt(o, "chunks_seen", chunksSeen);
        dumpAppeared.ifPresent(t -> o.put("report_after_ms", Duration.between(t, indexed).toMillis()));
        detected.ifPresent(t -> o.put("detected_to_indexed_ms", Duration.between(t, indexed).toMillis()));
        return o;
    }
}
