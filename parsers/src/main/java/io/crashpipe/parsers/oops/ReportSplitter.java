package io.crashpipe.parsers.oops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Finds report boundaries in a stream of log lines. A report starts at a line a rule recognises
 * and runs until the next report starts, an end marker ({@code ---[ end trace}), or the line
 * limit. Two kinds of lines do not start a new report: "weak" first lines seen shortly after a
 * report began (the {@code invalid opcode:} after {@code kernel BUG at}), and consequences of the
 * report just seen (the {@code Kernel panic - not syncing: Fatal exception} after an oops), which
 * are folded into it. Holds one report at a time, so memory depends on the line limit only.
 */
public final class ReportSplitter {
    /** Lines kept per report; longer reports keep their head (title, registers, first trace). */
    public static final int DEFAULT_MAX_LINES = 1000;
    /** arm64 prints ~14 lines of abort details between "Unable to handle kernel" and "Internal error:", twice that when two CPUs interleave. */
    private static final int WEAK_WINDOW = 30;
    private static final int FOLD_WINDOW = 60;
    private static final Pattern END = Pattern.compile("^\\s*---\\[ end (?:trace|Kernel panic)");
    private static final Pattern TRACE_HEADER = Pattern.compile("^\\s*Call [Tt]race:");
    private static final Pattern GARBLED_FRAME = Pattern.compile("^\\s*\\? [A-Za-z_]\\w*[^\\w.+\\s]");
    private static final Pattern KASAN_RULE = Pattern.compile("^={40,}\\s*$");
    /**
     * A panic headline whose message went to the next record: a 5.10 PREEMPT_RT kernel's NMI panic
     * logs "Kernel panic - not syncing:" and "NMI: Not continuing" as two lines (crash's sys shows the
     * bare half). The two are joined before matching, so the title carries the message.
     */
    private static final Pattern BARE_PANIC = Pattern.compile("^\\s*Kernel panic - not syncing:\\s*$");
    /** Lines that follow a panic headline but are never its message. */
    private static final Pattern AFTER_HEADLINE = Pattern.compile("^\\s*(?:CPU: |Hardware name:|Call [Tt]race:|Kernel Offset:|---\\[ )");

    private final Consumer<RawReport> sink;
    private final int maxLines;
    private long lineNo;

    private Rule rule;
    private List<String> lines;
    private List<String> consequences;
    private long firstLine;
    private boolean truncated;
    private boolean closed;
    private long lastLineNo;
    private String caller;
    private boolean interleaved;
    private boolean cpuBacktraces;
    private boolean inTrace;
    private int framesSinceTrace;
    private String heldPanic;
    private String lastRaw;        // the line last stripped (accept and take both need it)
    private String lastText;

    public ReportSplitter(Consumer<RawReport> sink) {
        this(sink, DEFAULT_MAX_LINES);
    }

    ReportSplitter(Consumer<RawReport> sink, int maxLines) {
        this.sink = sink;
        this.maxLines = maxLines;
    }

    /** Feeds one line of log text (with or without timestamps and syslog prefixes). */
    public void accept(String rawLine) {
        String text = strip(rawLine);
        if (heldPanic != null) {
            String held = heldPanic;
            heldPanic = null;
            if (completesPanic(text, held, rawLine)) {
                take(held + " " + text.strip());
                lineNo++; // the message's own line, now part of the headline
                return;
            }
            take(held);
        }
        if (BARE_PANIC.matcher(text).matches()) {
            heldPanic = rawLine;
            return;
        }
        take(rawLine);
    }

    /** {@link LinePrefix#strip}, once per line although both accept and take look at it. */
    private String strip(String rawLine) {
        if (rawLine != lastRaw) {
            lastText = LinePrefix.strip(rawLine);
            lastRaw = rawLine;
        }
        return lastText;
    }

    /** True when {@code next}, printed right after a bare panic headline by the same context, is its message. */
    private static boolean completesPanic(String next, String held, String rawNext) {
        if (next.isBlank() || AFTER_HEADLINE.matcher(next).lookingAt() || Recognisers.match(next) != null) {
            return false;
        }
        String a = LinePrefix.callerId(held);
        String b = LinePrefix.callerId(rawNext);
        return a.isEmpty() || b.isEmpty() || a.equals(b);
    }

    private void take(String rawLine) {
        lineNo++;
        String text = strip(rawLine);
        String lineCaller = LinePrefix.callerId(rawLine);
        Recognisers.Match m = Recognisers.match(text);
        if (m == null && rule != null && !closed && text.contains("Sending NMI from CPU")) {
            cpuBacktraces = true; // the other CPUs' backtraces that follow belong to this report
        }
        if (m == null && rule != null && !closed && fromAnotherContext(lineCaller)) {
            interleaved = true; // another task's or CPU's output inside this report: leave it out
            return;
        }
        if (m != null && rule != null && rule.prelude() && !m.rule().prelude() && !closed && !inTrace
                && lineNo - firstLine <= WEAK_WINDOW) {
            rule = null; // the line that names the report follows its prelude: it takes over
        }
        if (m != null && rule != null && m.rule() == rule && !closed && !inTrace && lineNo - firstLine <= WEAK_WINDOW) {
            interleaved = true; // the same headline from another CPU or task, printed into this report
            return;
        }
        if (m != null && rule != null && absorbs(m.rule())) {
            if (m.rule().foldsInto().contains(rule.type()) && (closed || !m.rule().weak())) {
                consequences.add(text);
                lastLineNo = lineNo;
                return;
            }
            m = null;
        }
        if (m != null) {
            if (rule != null && !closed && inTrace && framesSinceTrace == 0) {
                interleaved = true; // the new report cut this one's call trace
            }
            emit();
            rule = m.rule();
            caller = lineCaller;
            cpuBacktraces = false;
            interleaved = false;
            inTrace = false;
            framesSinceTrace = 0;
            lines = new ArrayList<>();
            consequences = new ArrayList<>();
            firstLine = lineNo;
            lastLineNo = lineNo;
            truncated = false;
            closed = false;
            lines.add(text);
            return;
        }
        if (rule == null) {
            return;
        }
        if (closed) {
            if (lineNo - lastLineNo > FOLD_WINDOW) {
                emit();
            }
            return;
        }
        if (END.matcher(text).lookingAt() || (KASAN_RULE.matcher(text).matches() && lines.size() > 3)) {
            closed = true;
            lastLineNo = lineNo;
            return;
        }
        if (TRACE_HEADER.matcher(text).lookingAt()) {
            inTrace = true;
            framesSinceTrace = 0;
        } else if (inTrace) {
            if (FrameLine.parse(text).frame().isPresent()) {
                framesSinceTrace++;
            } else if (GARBLED_FRAME.matcher(text).lookingAt()) {
                interleaved = true; // "? name" run into other text: two outputs were mixed
            }
        }
        if (lines.size() < maxLines) {
            lines.add(text);
            lastLineNo = lineNo;
        } else {
            truncated = true;
        }
    }

    /** True for a line printed by another task or CPU (printk caller ids differ), unless CPU backtraces were requested. */
    private boolean fromAnotherContext(String lineCaller) {
        if (caller.isEmpty() || lineCaller.isEmpty() || lineCaller.equals(caller)) {
            return false;
        }
        return !(cpuBacktraces && lineCaller.startsWith("C"));
    }

    /** True when a line the rule recognised belongs to the current report instead of starting one. */
    private boolean absorbs(Rule next) {
        if (!next.foldsInto().isEmpty() && next.foldsInto().contains(rule.type())) {
            return lineNo - lastLineNo <= FOLD_WINDOW;
        }
        return next.weak() && !closed && !inTrace && lineNo - firstLine <= WEAK_WINDOW;
    }

    /** Emits the last report; call once at the end of input. */
    public void finish() {
        if (heldPanic != null) {
            String held = heldPanic;
            heldPanic = null;
            take(held);
        }
        emit();
    }

    private void emit() {
        if (rule != null) {
            sink.accept(new RawReport(rule, List.copyOf(lines), List.copyOf(consequences), firstLine, truncated, interleaved));
        }
        rule = null;
        lines = null;
        consequences = null;
    }
}
