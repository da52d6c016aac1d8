package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When the pipeline saw the dump, so the time from a dump appearing to its report being
 * searchable can be charted.
 *
 * @param dumpAppeared when the agent found the dump file
 * @param sealed when the last page of the dump arrived
 * @param analysisMillis time the extractors spent on this dump
 */
public record Timings(Optional<Instant> dumpAppeared, Optional<Instant> sealed, OptionalLong analysisMillis) {

    public static final Timings UNKNOWN = new Timings(Optional.empty(), Optional.empty(), OptionalLong.empty());

    ObjectNode toSource(Instant created) {
        ObjectNode o = Sources.object();
        Sources.putDate(o, "dump_appeared", dumpAppeared);
        Sources.putDate(o, "sealed", sealed);
        Sources.putLong(o, "analysis_ms", analysisMillis);
        dumpAppeared.ifPresent(t -> o.put("report_after_ms", Duration.between(t, created).toMillis()));
        return o;
    }
}
