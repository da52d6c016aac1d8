package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.StackScanner;
import io.crashpipe.parsers.unwind.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds where ORC unwinding can resume when the registers do not lead there (no ORC entry at
 * the ip, or a note that holds user-mode registers): each word of a stack range that points into
 * kernel text is tried, lowest first, as a return address, and the first whose unwind runs to the
 * end of the stacks is kept. That first frame may be left over from an earlier call, so it is
 * marked unreliable; with {@code anchored} the frames ORC finds above it are as good as any ORC
 * unwind (the registers pinned the stack below), otherwise they are all marked unreliable too:
 * older calls of the same caller leave chains that ORC follows just as well.
 */
final class StackSearch {
    private final OrcUnwinder unwinder;
    private final StackScanner scanner;

    StackSearch(OrcUnwinder unwinder, StackScanner scanner) {
        this.unwinder = unwinder;
        this.scanner = scanner;
    }

    Optional<List<TraceStep>> resume(long from, long to, long bp, boolean anchored, KernelStacks stacks, Predicate<Unwind> accept) {
        for (Frame candidate : scanner.scan(from, to)) {
            Unwind u = unwinder.unwindFromReturnAddress(candidate.slot(), candidate.pc(), bp, stacks);
            if (u.complete() && accept.test(u)) {
                List<TraceStep> steps = new ArrayList<>(u.steps());
                for (int i = 0; i < steps.size(); i++) {
                    if (steps.get(i) instanceof Frame f && (i == 0 || !anchored)) {
                        steps.set(i, f.unreliable());
                    }
                }
                return Optional.of(steps);
            }
        }
        return Optional.empty();
    }
}
