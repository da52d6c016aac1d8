package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * When the pipeline saw the dump and how much work its analysis took, so the time from a dump
 * appearing to its report being searchable can be charted.
 *
 * @param dumpAppeared when the pipeline saw the dump's first event
 * @param sealed when the last page of the dump arrived
 * @param analysisMillis time the extractors spent on this dump
 * @param passes analysis passes run (one more each time a page an extractor waited for arrived)
 * @param chunksSeen page chunks the analysis had seen when this report went out
 */
public record Timings(Optional<Instant> dumpAppeared, Optional<Instant> sealed, OptionalLong analysisMillis,
        OptionalInt passes, OptionalInt chunksSeen) {

    public static final Timings UNKNOWN = new Timings(Optional.empty(), Optional.empty(), OptionalLong.empty(),
            OptionalInt.empty(), OptionalInt.empty());

    ObjectNode toSource(Instant created) {
        ObjectNode o = Sources.object();
        Sources.putDate(o, "dump_appeared", dumpAppeared);
        Sources.putDate(o, "sealed", sealed);
        Sources.putLong(o, "analysis_ms", analysisMillis);
        Sources.putInt(o, "passes", passes);
        Sources.putInt(o, "chunks_seen", chunksSeen);
        dumpAppeared.ifPresent(t -> o.put("report_after_ms", Duration.between(t, created).toMillis()));
        return o;
    }
}
