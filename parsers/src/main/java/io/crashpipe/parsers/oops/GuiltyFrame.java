package io.crashpipe.parsers.oops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the frame a report is named after, following the rule's {@link FrameSource} and the
 * data in {@link FrameRules}.
 */
final class GuiltyFrame {
    private final FrameRules rules;
    private final List<FrameRules.Section> extra;

    GuiltyFrame(FrameRules rules, List<FrameRules.Section> extra) {
        this.rules = rules;
        this.extra = extra;
    }

    boolean skipped(String fn) {
        return rules.skipped(fn, extra);
    }

    /** First frame that is not machinery: reliable frames first, then {@code ?} frames. */
    Optional<String> fromStack(List<Frame> trace) {
        for (boolean reliable : new boolean[] {true, false}) {
            for (Frame f : trace) {
                if (f.reliable() == reliable && !skipped(f.function())) {
                    return Optional.of(f.function());
                }
            }
        }
        return Optional.empty();
    }

    /** A named function (RIP, first line, lock site) unless it is machinery; then the stack; then the name anyway. */
    Optional<String> preferring(String named, List<Frame> trace) {
        if (!named.isEmpty() && !skipped(named)) {
            return Optional.of(named);
        }
        Optional<String> s = fromStack(trace);
        return s.isPresent() ? s : named.isEmpty() ? Optional.empty() : Optional.of(named);
    }

    /** Hung tasks: waits on RCU or the RTNL are grouped under those; otherwise the first non-waiting frame. */
    Optional<String> forHang(List<Frame> trace) {
        for (Frame f : trace) {
            if (!f.reliable()) {
                continue;
            }
            String fn = f.function();
            if (fn.equals("rtnl_lock")) {
                return Optional.of(fn);
            }
            if (fn.startsWith("synchronize_rcu") || fn.startsWith("synchronize_srcu") || fn.equals("synchronize_net")
                    || fn.equals("synchronize_sched")) {
                return Optional.of("synchronize_rcu");
            }
        }
        return fromStack(trace);
    }

    /**
     * Stalls and lockups: the interrupted function and the task frames below it; the frame just
     * above the first dispatch anchor represents the loop (the exact top frame is random).
     */
    Optional<String> forStall(String interrupted, List<Frame> task, List<Frame> all) {
        List<String> candidates = new ArrayList<>();
        if (!interrupted.isEmpty()) {
            candidates.add(interrupted);
        }
        int lastIrq = -1;
        for (int i = 0; i < task.size(); i++) {
            FrameSection s = task.get(i).section();
            if (s == FrameSection.IRQ || s == FrameSection.NMI || s == FrameSection.SOFTIRQ) {
                lastIrq = i;
            }
        }
        boolean onlyIrq = lastIrq == task.size() - 1;
        for (int i = onlyIrq ? 0 : lastIrq + 1; i < task.size(); i++) {
            if (task.get(i).reliable()) {
                candidates.add(task.get(i).function());
            }
        }
        String prev = null;
        for (String fn : candidates) {
            if (rules.matches(FrameRules.Section.ANCHORS, fn)) {
                String collapsed = rules.collapsed(fn);
                if (!collapsed.equals(fn)) {
                    return Optional.of(collapsed);
                }
                return Optional.of(prev != null ? prev : fn);
            }
            if (!skipped(fn)) {
                prev = fn;
            }
        }
        for (String fn : candidates) {
            if (!skipped(fn)) {
                return Optional.of(fn);
            }
        }
        return fromStack(all);
    }
}
