package io.crashpipe.parsers.oops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses the function a report is named after: walks the report's lines as the kind's
 * {@link FramePlan} says, passes over machinery ({@link FrameRules} and the kind's own extra
 * pattern), and picks one name.
 */
final class GuiltyFrame {
    private static final Pattern FRAME = Pattern.compile("^[ \\t]*(?:" + FramePlan.PC + " ){0,2}" + FramePlan.FUNC);
    /** 32-bit arm: {@code [<c0>] (callee) from [<c0>] (caller+0x..)}, two frames on one line. */
    private static final Pattern ARM = Pattern.compile(
            "^[ \\t]*" + FramePlan.PC + " \\((?<callee>[A-Za-z0-9_.]+)\\) from " + FramePlan.PC + " \\(" + FramePlan.FUNC);

    private final FrameRules rules;
    private final Optional<Pattern> extra;

    GuiltyFrame(FrameRules rules, Optional<Pattern> extra) {
        this.rules = rules;
        this.extra = extra;
    }

    boolean skipped(String fn) {
        return rules.skipped(fn, extra);
    }

    /** The chosen name (syscall prefixes removed), empty when the walk found none. */
    Optional<String> choose(FramePlan plan, List<String> lines) {
        List<String> names = walk(plan.steps(), lines, plan.skips());
        if (names.isEmpty() && !plan.fallback().isEmpty()) {
            names = walk(plan.fallback(), lines, plan.skips());
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        return switch (plan.pick()) {
            case FIRST -> Optional.of(names.get(0));
            case STALL -> stall(names);
            case HANG -> hang(names);
        };
    }

    private List<String> walk(List<FramePlan.Step> steps, List<String> lines, boolean skips) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (int k = 0; k < steps.size(); k++) {
            if (steps.get(k) instanceof FramePlan.Find f) {
                while (i < lines.size()) {
                    Matcher m = f.pattern().matcher(lines.get(i++));
                    if (m.find()) {
                        collect(out, m, skips);
                        break;
                    }
                }
                continue;
            }
            FramePlan.Find next = k + 1 < steps.size() && steps.get(k + 1) instanceof FramePlan.Find n ? n : null;
            while (i < lines.size()) {
                String l = lines.get(i++);
                if (FramePlan.startsStack(l)) {
                    break;
                }
                if (next != null) {
                    Matcher m = next.pattern().matcher(l);
                    if (m.find()) {
                        collect(out, m, skips);
                        k++;
                        break;
                    }
                }
                Matcher arm = ARM.matcher(l);
                if (arm.lookingAt()) {
                    add(out, arm.group("callee"), skips);
                    add(out, arm.group("fn"), skips);
                    continue;
                }
                Matcher fm = FRAME.matcher(l);
                if (fm.lookingAt()) {
                    add(out, fm.group("fn"), skips);
                }
            }
        }
        return out;
    }

    private void collect(List<String> out, Matcher m, boolean skips) {
        if (m.pattern().pattern().contains("(?<fn>") && m.group("fn") != null) {
            add(out, m.group("fn"), skips);
        }
    }

    private void add(List<String> out, String name, boolean skips) {
        if (!skips || !skipped(name)) {
            out.add(rules.stripped(name));
        }
    }

    /** The name just above the first dispatch anchor; an smp_call_function anchor names itself. */
    private Optional<String> stall(List<String> names) {
        String prev = names.get(0);
        for (String n : names) {
            if (rules.matches(FrameRules.Section.ANCHORS, n)) {
                return Optional.of(n.contains("smp_call_function") ? "smp_call_function" : prev);
            }
            prev = n;
        }
        return Optional.empty();
    }

    private Optional<String> hang(List<String> names) {
        for (String n : names) {
            Optional<String> g = rules.hangGroup(n);
            if (g.isPresent()) {
                return g;
            }
        }
        for (String n : names) {
            if (!rules.matches(FrameRules.Section.HANG, n)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
