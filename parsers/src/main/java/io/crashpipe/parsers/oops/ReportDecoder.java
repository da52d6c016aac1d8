package io.crashpipe.parsers.oops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the lines of one report into a {@link CrashReport}. */
final class ReportDecoder {
    private static final Pattern TRACE_START = Pattern.compile(
            "^\\s*(?:Call [Tt]race:|Backtrace:|backtrace(?: \\(crc [0-9a-f]+\\))?:|Stack:|Exception stack"
                    + "|(?:Allocated|Freed|allocated|freed) by task|kfence-#\\d+: .* (?:allocated|freed) by task"
                    + "|Allocated:|Freed:|Last potentially related work creation:|Second to last potentially"
                    + "|Uninit was (?:stored|created)|Local variable|-> #\\d+|stack backtrace:|Task dump for CPU"
                    + "|NMI backtrace for cpu|Preemption disabled at:|RCU grace-period kthread stack dump:)");
    private static final Pattern CALL_TRACE = Pattern.compile("^\\s*Call [Tt]race:");
    private static final Pattern CHAIN = Pattern.compile("^\\s*(?:-> #\\d+|Preemption disabled at:|RCU grace-period kthread stack dump:)");
    private static final Pattern RIP = Pattern.compile(
            "^\\s*(?:RIP|EIP|IP|NIP|pc|PC is at|EIP is at)\\s*:?\\s*(?:[0-9a-f]{4}:)?(?:\\[<?\\s*[0-9a-fx]+>?\\]\\s*)*"
                    + "([A-Za-z_$][\\w.$]*)(?:\\+0x| \\(|$)");
    private static final Pattern REGISTER = Pattern.compile(
            "\\b(R[A-Z]{2}|R\\d{1,2}|EFLAGS|ORIG_RAX|CR[0234]|DR[0-7]|[EFGC]S|knlGS|E[A-Z]{2}|ESP|[xr]\\d{1,2}|lr|sp|pc)\\s?:\\s?((?:[0-9a-f]{4}:)?[0-9a-f]{8,16})\\b");
    private static final Pattern HARDWARE = Pattern.compile("^\\s*Hardware name: (.+?)\\s*$");
    private static final Pattern MODULES = Pattern.compile("^\\s*Modules linked in:(.*)$");
    private static final Pattern MODULE_TOKEN = Pattern.compile("[\\w-]+(?:\\([A-Z+-]+\\))?|\\[last unloaded: [^\\]]*\\]|[\\w-]+>?");
    private static final Pattern PANIC = Pattern.compile("^\\s*Kernel panic - not syncing: ?(.*)$");

    private final FrameRules rules;

    ReportDecoder(FrameRules rules) {
        this.rules = rules;
    }

    CrashReport decode(RawReport raw) {
        List<String> lines = raw.lines();
        Rule rule = raw.rule();
        String first = lines.get(0);
        Recognisers.Match match = Recognisers.match(first);
        Matcher start;
        if (match != null && match.rule() == rule) {
            start = match.matcher();
        } else {
            start = rule.start().matcher(first.strip());
            start.lookingAt();
        }

        Frames frames = frames(lines);
        String rip = "";
        Map<String, String> regs = new LinkedHashMap<>();
        Optional<CodeBytes> code = Optional.empty();
        Optional<Header> header = Optional.empty();
        String hardware = "";
        List<String> modules = new ArrayList<>();
        boolean inRegs = true;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i);
            Matcher m = RIP.matcher(t);
            if (rip.isEmpty() && m.lookingAt()) {
                rip = FunctionNames.normalise(m.group(1));
            }
            if (inRegs && regs.size() < 40 && !TRACE_START.matcher(t).lookingAt()) {
                Matcher r = REGISTER.matcher(t);
                while (r.find()) {
                    regs.putIfAbsent(r.group(1), r.group(2));
                }
            } else if (!regs.isEmpty()) {
                inRegs = false;
            }
            if (code.isEmpty()) {
                code = CodeBytes.parse(t);
            }
            if (header.isEmpty()) {
                header = Header.parse(t);
            }
            Matcher hw = HARDWARE.matcher(t);
            if (hardware.isEmpty() && hw.lookingAt()) {
                hardware = hw.group(1);
            }
            Matcher mods = MODULES.matcher(t);
            if (modules.isEmpty() && mods.lookingAt()) {
                addModules(modules, mods.group(1));
                for (int j = i + 1; j < lines.size() && isModuleContinuation(lines.get(j)); j++) {
                    addModules(modules, lines.get(j));
                }
            }
        }
        String panic = "";
        for (String c : raw.consequences()) {
            Matcher p = PANIC.matcher(c);
            if (p.lookingAt()) {
                panic = p.group(1).strip();
                break;
            }
        }
        if (panic.isEmpty()) {
            Matcher p = PANIC.matcher(first);
            if (p.lookingAt()) {
                panic = p.group(1).strip();
            }
        }

        // A WARNING raised inside a checker (refcount, debugobjects, ...) is that checker's kind,
        // and the checker's own helpers are passed over when naming it.
        Optional<FrameRules.WarningKind> warningKind = rule.name().startsWith("warning")
                ? rules.warningKind(warningLine(lines)) : Optional.empty();
        Optional<Pattern> skip = warningKind.isPresent() ? warningKind.get().skip() : rule.skip();
        GuiltyFrame chooser = new GuiltyFrame(rules, skip);
        String frame = rule.plan().flatMap(p -> chooser.choose(p, lines)).orElse("");
        List<Frame> main = frames.main();
        boolean noTrace = main.isEmpty() && rule.plan().isPresent();
        String in = rule.plan().isEmpty() ? "" : " in " + (frame.isEmpty() ? "corrupted" : frame);
        Optional<String> kind = warningKind.map(FrameRules.WarningKind::kind);
        String shownFrame = frame;
        boolean[] named = {false}; // the title names a function (a kind like "kernel panic: msg" does not)
        String title = TitleText.stable(rule.title().build(start, new Rule.TitleContext() {
            @Override
            public String in() {
                named[0] = true;
                return in;
            }

            @Override
            public String frame() {
                named[0] = true;
                return shownFrame.isEmpty() ? "corrupted" : shownFrame;
            }

            @Override
            public Optional<String> warningKind() {
                return kind;
            }

            @Override
            public Optional<Matcher> line(Pattern p) {
                for (int i = 1; i < lines.size(); i++) {
                    Matcher m = p.matcher(lines.get(i));
                    if (m.find()) {
                        return Optional.of(m);
                    }
                }
                return Optional.empty();
            }
        }));
        boolean corrupted = (noTrace && named[0]) || raw.truncated() || raw.interleaved() || LinePrefix.hasEmbeddedTimestamp(first)
                || (frame.isEmpty() && named[0]);
        ReportType type = rule.name().startsWith("kasan") && start.pattern().pattern().contains("(?<kind>")
                ? Recognisers.kasanType(start.group("kind")) : rule.type();
        String signature = Signature.of(title, leading(main, frame, chooser));
        return new CrashReport(title, type, rule.name(), frame, signature, corrupted, first, raw.firstLine(),
                frames.all, rip, Map.copyOf(regs), code, header, hardware, List.copyOf(modules), panic);
    }

    /** The WARNING line, joined with the next when a narrow console or a mail client wrapped it after "file:line". */
    private static String warningLine(List<String> lines) {
        String first = lines.get(0);
        return WRAPPED_WARNING.matcher(first).find() && lines.size() > 1 ? first.stripTrailing() + " " + lines.get(1).strip() : first;
    }

    private static final Pattern WRAPPED_WARNING = Pattern.compile(":\\d+\\s*$");

    /** The frames below the guilty one that are not machinery, up to {@link Signature#FRAMES}. */
    private static List<String> leading(List<Frame> main, String guilty, GuiltyFrame chooser) {
        int from = 0;
        for (int i = 0; i < main.size(); i++) {
            if (main.get(i).function().equals(guilty)) {
                from = i + 1;
                break;
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = from; i < main.size() && out.size() < Signature.FRAMES; i++) {
            Frame f = main.get(i);
            if (f.reliable() && !chooser.skipped(f.function()) && !f.function().equals(guilty)) {
                out.add(f.function());
            }
        }
        return out;
    }

    private static boolean isModuleContinuation(String t) {
        if (t.isEmpty() || !Character.isWhitespace(t.charAt(0)) || t.contains("+0x")) {
            return false;
        }
        for (String tok : t.strip().split("\\s+")) {
            if (!MODULE_TOKEN.matcher(tok).matches()) {
                return false;
            }
        }
        return true;
    }

    private static void addModules(List<String> out, String text) {
        for (String tok : text.strip().split("\\s+")) {
            if (tok.isEmpty() || tok.startsWith("[last") || tok.startsWith("unloaded:")) {
                continue;
            }
            int paren = tok.indexOf('(');
            String name = (paren > 0 ? tok.substring(0, paren) : tok).replace(">", "");
            if (!name.isEmpty() && !name.endsWith("]")) {
                out.add(name);
            }
        }
    }

    /** All frames of a report, with the index of the trace that is the crash's own. */
    private record Frames(List<Frame> all, int mainTrace, int irqEndLine, int taskStart) {
        List<Frame> main() {
            List<Frame> out = new ArrayList<>();
            for (Frame f : all) {
                if (f.trace() == mainTrace) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    /**
     * Collects the frames. The crash's own trace is the first one with frames that is not a
     * lockdep dependency chain ({@code -> #1}). Interrupt frames end at {@code </IRQ>} or, in
     * kernels that print no marker, at a register dump inside the trace; {@code taskStart} is the
     * index (within the main trace) of the first frame of the interrupted context.
     */
    private static Frames frames(List<String> lines) {
        List<Frame> all = new ArrayList<>();
        int trace = 0;
        int framesInTrace = 0;
        boolean chain = false;
        int mainTrace = -1;
        boolean inTrace = false;
        int irqEnd = -1;
        int taskStart = 0;
        int mainCount = 0;
        FrameSection section = FrameSection.UNMARKED;
        for (int i = 1; i < lines.size(); i++) {
            String t = lines.get(i);
            if (TRACE_START.matcher(t).lookingAt()) {
                // A "Call Trace:" right after an auxiliary header (RCU kthread dump) still belongs to it.
                boolean stillAux = chain && framesInTrace == 0 && CALL_TRACE.matcher(t).lookingAt();
                if (framesInTrace > 0) {
                    trace++;
                    framesInTrace = 0;
                }
                chain = stillAux || CHAIN.matcher(t).lookingAt();
                inTrace = true;
                section = FrameSection.UNMARKED;
                continue;
            }
            if (inTrace && framesInTrace > 0 && trace == mainTrace && RIP.matcher(t).lookingAt()) {
                irqEnd = i;
                taskStart = mainCount;
                section = FrameSection.UNMARKED;
                continue;
            }
            FrameLine.Parsed p = FrameLine.parse(t);
            if (p.leavesSection()) {
                if (section == FrameSection.IRQ || section == FrameSection.NMI || section == FrameSection.SOFTIRQ) {
                    irqEnd = i;
                    if (trace == mainTrace) {
                        taskStart = mainCount;
                    }
                }
                section = FrameSection.UNMARKED;
            }
            if (p.enters().isPresent()) {
                section = p.enters().get();
                inTrace = true;
            }
            if (p.frame().isEmpty()) {
                continue;
            }
            FrameLine.Raw r = p.frame().get();
            if (!r.strong() && !inTrace) {
                continue;
            }
            if (mainTrace < 0 && !chain) {
                mainTrace = trace;
            }
            all.add(new Frame(FunctionNames.normalise(r.function()), r.function(), r.offset(), r.size(), r.module(),
                    r.reliable(), section, trace));
            framesInTrace++;
            if (trace == mainTrace) {
                mainCount++;
            }
        }
        return new Frames(List.copyOf(all), mainTrace, irqEnd, taskStart);
    }
}
