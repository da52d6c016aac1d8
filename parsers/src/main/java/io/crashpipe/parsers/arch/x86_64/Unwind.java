package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.unwind.TraceStep;
import java.util.List;
import java.util.Optional;

/**
 * What one unwinder (ORC, frame pointers) found: the steps, why it stopped early (if it did),
 * and where it was then (SP and BP), so the next layer can carry on from there.
 */
record Unwind(List<TraceStep> steps, Optional<String> stop, long lastSp, long lastBp) {
    Unwind {
        steps = List.copyOf(steps);
    }

    boolean complete() {
        return stop.isEmpty();
    }
}
