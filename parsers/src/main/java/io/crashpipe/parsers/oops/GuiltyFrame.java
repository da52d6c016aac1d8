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
    /** A frame line; 2.6.2x x86_64 put the module before the name ({@code :dvb_core:dvb_unregister_frontend+0xb5}). */
    private static final Pattern FRAME = Pattern.compile("^[ \\t]*(?:" + FramePlan.PC + " ){0,2}(?::[\\w-]+:)?(?=[A-Za-z_])" + FramePlan.FUNC);
    /** 32-bit arm: {@code [<c0>] (callee) from [<c0>] (caller+0x..)}, two frames on one line. */
    private static final Pattern ARM = Pattern.compile(
            "^[ \\t]*" + FramePlan.PC + " \\((?<callee>[A-Za-z0-9_.]+)\\) from " + FramePlan.PC + " \\(" + FramePlan.FUNC);
    /**
     * A return address at offset 0 of a function: the call was the last instruction of the function before
     * it in memory (a call to a noreturn function such as panic() or do_exit(), whose return address falls on
     * the next symbol; arm64 prints the raw lr). The name printed is the next function, not the caller, so
     * the frame names nothing.
     */
    private static final Pattern AFTER_NORETURN = Pattern.compile("\\+0x0/0x[0-9a-f]+");
    /** 32-bit arm since 5.17: {@code callee from caller+0x../0x..}, no addresses or parentheses. */
    private static final Pattern ARM_BARE = Pattern.compile("^[ \\t]*(?<callee>[A-Za-z_][A-Za-z0-9_.]*) from " + FramePlan.FUNC);

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
        if (names.isEmpty() && plan.anyFrames()) {
            // The trace's header was cut or edited away ("[...]", an ARM unwind with no "Backtrace:"):
            // the frames of the whole report, in order, are the trace.
            names = anyFrames(lines);
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
                int at = -1;
                for (int j = i; j < lines.size() && at < 0; j++) {
                    Matcher m = f.pattern().matcher(lines.get(j));
                    if (m.find()) {
                        collect(out, m, skips);
                        at = j;
                    }
                }
                if (at >= 0) {
                    i = at + 1;
                } else if (!f.optional()) {
                    break;
                }
                continue;
            }
            FramePlan.Find next = k + 1 < steps.size() && steps.get(k + 1) instanceof FramePlan.Find n ? n : null;
            boolean framesSeen = false;
            while (i < lines.size()) {
                String l = lines.get(i++);
                if (FramePlan.startsStack(l)) {
                    if (!framesSeen && FramePlan.CALL_TRACE.matcher(l).find()) {
                        continue; // "RIP: f" then "Call Trace:": the trace below the faulting line is the same stack
                    }
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
                if (!arm.lookingAt()) {
                    arm = ARM_BARE.matcher(l);
                }
                if (arm.lookingAt()) {
                    add(out, arm.group("callee"), skips);
                    add(out, arm.group("fn"), skips);
                    framesSeen = true;
                    continue;
                }
                Matcher fm = FRAME.matcher(l);
                if (fm.lookingAt()) {
                    if (!AFTER_NORETURN.matcher(l).region(fm.end("fn"), l.length()).lookingAt()) {
                        add(out, fm.group("fn"), skips);
                    }
                    framesSeen = true;
                }
            }
        }
        return out;
    }

    /** Every unquestioned frame of the report in order: full {@code name+0x../0x..} frames and ARM unwind lines only. */
    private List<String> anyFrames(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher arm = ARM.matcher(l);
            if (!arm.lookingAt()) {
                arm = ARM_BARE.matcher(l);
            }
            if (arm.lookingAt()) {
                add(out, arm.group("callee"), true);
                add(out, arm.group("fn"), true);
                continue;
            }
            FrameLine.parse(l).frame().filter(f -> f.strong() && f.reliable() && f.size() > 0)
                    .ifPresent(f -> add(out, f.function(), true));
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
