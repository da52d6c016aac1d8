package io.crashpipe.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.schemas.PipelineStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A report's {@code crash.timings} as lines, one per {@link PipelineStage} in order: how long each
 * stage took after the one before it that is known, and the time since the first known one.
 */
final class StageTimes {
    private StageTimes() {}

    static List<String> lines(JsonNode timings) {
        List<String> out = new ArrayList<>();
        Instant first = null;
        Instant previous = null;
        int width = 0;
        for (PipelineStage s : PipelineStage.values()) {
            width = Math.max(width, s.label().length());
        }
        for (PipelineStage s : PipelineStage.values()) {
            String text = timings.path(s.esField()).asText("");
            if (text.isEmpty()) {
                out.add(String.format("%-" + width + "s  %s", s.label(), unknownBecause(s)));
                continue;
            }
            Instant at = Instant.parse(text);
            if (first == null) {
                out.add(String.format("%-" + width + "s  %s", s.label(), at));
                first = at;
            } else {
                out.add(String.format("%-" + width + "s  %+8.3f s   %7.3f s in all", s.label(), seconds(previous, at),
                        seconds(first, at)));
            }
            previous = at;
        }
        return out;
    }

    private static String unknownBecause(PipelineStage s) {
        return switch (s) {
            case FILE_COMPLETE, DETECTED -> "(a one-off upload: no watcher saw it complete)";
            case REPORT_COMPLETE -> "(the report is partial)";
            case SEARCHABLE -> "(not stamped yet)";
            default -> "(unknown)";
        };
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
