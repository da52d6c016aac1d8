package io.crashpipe.parsers.oops;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a report kind looks for its guilty frame: an ordered walk over the report's lines (find
 * the faulting-instruction line, then the call trace, then read frames ...), the names it
 * collects, and how one name is picked from them. A second walk is tried when the first
 * collects nothing (a WARNING whose faulting function is machinery is named from its trace).
 *
 * @param steps the walk
 * @param fallback the walk tried when {@code steps} collected no name
 * @param pick how the name is chosen from the collected ones
 * @param skips false when the collected names are taken as printed (a lockdep {@code at:} site),
 *     true when machinery ({@link FrameRules}) is passed over
 * @param anyFrames true when the kind is named from the crashing stack itself, so that where both walks
 *     found nothing (the {@code Call Trace:} header cut or edited away, an ARM unwind printed without one)
 *     the report's frames in order are that stack; false where only a particular trace will do (a leak's
 *     allocation, a bad page's owner)
 */
record FramePlan(List<Step> steps, List<Step> fallback, Pick pick, boolean skips, boolean anyFrames) {
    /**
     * A frame as the fuzzing tools read it: a name directly followed by {@code +} or {@code .}
     * (so inline-only and {@code ?} frames are not frames), or, from decode_stacktrace.sh, a
     * name followed by its source line in parentheses.
     */
    static final String FUNC = "(?<fn>[A-Za-z0-9_]+)(?:[.+]| \\((?:[\\w./-]+\\.[chS]:\\d+|/[\\w./-]+))";
    /** A raw address in brackets; HTML-mangled logs print it empty ({@code []}). */
    static final String PC = "\\[<?(?:0x)?[0-9a-f]*>?\\]";
    /** The code segment before a RIP: {@code 0010:}, Xen PV guests {@code e030:}. */
    private static final String SEG = "(?:[0-9a-f]{4}:|[0-9]+:)?";
    /**
     * The line naming the faulting instruction: x86 {@code RIP: 0010:f+0x}, old {@code IP: [<..>] f+0x}, arm64
     * {@code pc : f+0x}, arm {@code PC is at f+0x}; a decoded trace may print the bare name and put its source on
     * the next line ({@code pc : f} then {@code (drivers/x.c:12)}).
     */
    static final Pattern RIP = Pattern.compile("(?:IP|NIP|pc |PC is at|IP is at):? (?:" + SEG + "(?:" + PC + " +){0,2}"
            + "(?<fn>[A-Za-z_][A-Za-z0-9_]*)(?:[.+]| \\((?:[\\w./-]+\\.[chS]:\\d+|/[\\w./-]+)|\\s*$)"
            + "|" + SEG + "0x[0-9a-f]+|" + SEG + PC + " +\\[< *\\(null\\)>\\] +\\(null\\)|[0-9]+: +\\(null\\))");
    static final Pattern CALL_TRACE = Pattern.compile("Call [Tt]race:|Backtrace:");
    /** Lines that start another stack trace: a frame walk stops there. */
    static final Pattern STACK_START = Pattern.compile("Call [Tt]race|Allocated:|Allocated by task [0-9]+:|Freed:|Freed by task [0-9]+:"
            + "|RCU grace-period kthread stack dump:"
            + "|[^k] backtrace(?: \\(crc [0-9a-f]*\\))?:|Backtrace:|Uninit was stored to memory at");
    /** Whether the line starts another stack trace (a word test first: most lines are frames). */
    static boolean startsStack(String l) {
        return (l.indexOf("race") >= 0 || l.indexOf("Allocated") >= 0 || l.indexOf("Freed") >= 0 || l.indexOf("Uninit") >= 0
                || l.indexOf("kthread stack dump") >= 0)
                && STACK_START.matcher(l).find();
    }

    /** A lockdep lock site: {@code , at: f+0x} (older kernels print {@code at: [<addr>] f+0x}). */
    static final Pattern AT = Pattern.compile("at: (?:" + PC + " +)?" + FUNC);

    /** How one name is picked from those collected. */
    enum Pick {
        /** The first. */
        FIRST,
        /** Stalls and lockups: the name just above the first dispatch anchor (the looping code). */
        STALL,
        /** Hung tasks: the RCU / RTNL group if one is waited on, else the first non-waiting name. */
        HANG
    }

    /** One move of the walk. */
    sealed interface Step {}

    /**
     * Advance to the next line where the pattern is found; its {@code fn} group, if it has one and matched, is
     * collected. An optional line that is not there (no RIP printed, the trace header cut) moves nothing; a required
     * one that is not there ends the walk.
     */
    record Find(Pattern pattern, boolean optional) implements Step {}

    /** Collect frames from the following lines until another stack trace starts (or the next step's line). */
    record Trace() implements Step {}

    static final Trace TRACE = new Trace();

    static Find find(String regex) {
        return new Find(Pattern.compile(regex), false);
    }

    static Find find(Pattern p) {
        return new Find(p, false);
    }

    /** A line the walk uses when it is printed and goes on without when it is not. */
    static Find optional(Pattern p) {
        return new Find(p, true);
    }

    static Find optional(String regex) {
        return optional(Pattern.compile(regex));
    }

    /** The call trace. */
    static FramePlan stack(Pick pick) {
        return new FramePlan(List.of(find(CALL_TRACE), TRACE), List.of(), pick, true, true);
    }

    /** The faulting function, else the call trace after it. */
    static FramePlan rip(Pick pick) {
        return new FramePlan(List.of(optional(RIP), find(CALL_TRACE), TRACE), List.of(), pick, true, true);
    }

    /** The faulting function only. */
    static FramePlan ripOnly() {
        return new FramePlan(List.of(find(RIP)), List.of(), Pick.FIRST, true, true);
    }

    /** WARNINGs: the faulting function and frames up to the call trace; if all are machinery, the call trace. */
    static FramePlan warning() {
        return new FramePlan(List.of(optional(RIP), TRACE), List.of(find(CALL_TRACE), TRACE), Pick.FIRST, true, true);
    }

    /** Any walk, names passed over. */
    static FramePlan of(Step... steps) {
        return new FramePlan(List.of(steps), List.of(), Pick.FIRST, true, false);
    }

    /** A walk whose collected names are taken as printed. */
    static FramePlan verbatim(Step... steps) {
        return new FramePlan(List.of(steps), List.of(), Pick.FIRST, false, false);
    }

    FramePlan withFallback(Step... steps) {
        return new FramePlan(this.steps, List.of(steps), pick, skips, anyFrames);
    }

    static Optional<FramePlan> none() {
        return Optional.empty();
    }
}
