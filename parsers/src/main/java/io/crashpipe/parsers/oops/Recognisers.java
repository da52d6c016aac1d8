package io.crashpipe.parsers.oops;

import static io.crashpipe.parsers.oops.FrameRules.Section.HANG;
import static io.crashpipe.parsers.oops.FrameRules.Section.LEAK;
import static io.crashpipe.parsers.oops.FrameRules.Section.OOM;
import static io.crashpipe.parsers.oops.FrameRules.Section.REFCOUNT;
import static io.crashpipe.parsers.oops.FrameRules.Section.STALL;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ordered list of report kinds (first match wins), one small rule each. Titles follow the
 * conventions syzbot made common: a fixed phrase for the kind, then "in" and the guilty
 * function; nothing that changes between hosts, builds or boots (addresses, sizes, pids, line
 * numbers, CPU numbers).
 */
final class Recognisers {
    private static final String FN = "(?<fn>[A-Za-z_$][\\w.$]*)";
    private static final Pattern ACCESS = Pattern.compile("^\\s*(Read|Write) (?:of size|at addr)");
    private static final Set<ReportType> ANY = EnumSet.allOf(ReportType.class);
    private static final Set<ReportType> NONE = Set.of();
    private static final List<FrameRules.Section> COMMON = List.of();

    private static final List<Rule> RULES = build();

    private Recognisers() {}

    static List<Rule> all() {
        return RULES;
    }

    /** The first rule whose start pattern matches the line, with its match. */
    static Match match(String text) {
        Match m = matchAtStart(text);
        if (m != null) {
            return m;
        }
        // Console noise glued in front of the kernel's line ("syzkaller login: BUG: ..."), or a
        // message printed into the middle of another one: retry after it.
        Matcher glued = GLUED.matcher(text);
        while (glued.find()) {
            m = matchAtStart(text.substring(glued.end()));
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private static final Pattern GLUED = Pattern.compile("login: |\\[ *\\d+\\.\\d+\\](?:\\[ *[TC]\\d+\\])? ");

    private static Match matchAtStart(String text) {
        String t = text.strip();
        if (t.startsWith("Oops: ") && !t.startsWith("Oops: 0")) {
            t = t.substring(6); // 6.9+ prefixes the kind: "Oops: general protection fault, ..."
        }
        if (t.isEmpty() || !STARTS.matcher(t).lookingAt()) {
            return null;
        }
        for (Rule r : RULES) {
            Matcher m = r.match(t);
            if (m != null) {
                return new Match(r, m);
            }
        }
        return null;
    }

    /** A rule and its match on the first line. */
    record Match(Rule rule, Matcher matcher) {}

    // Cheap pre-filter: every start pattern begins with one of these words.
    private static final Pattern STARTS = Pattern.compile(
            "(?:BUG|WARNING|INFO|\\[ INFO|\\[ BUG|\\[ WARNING|UBSAN|Kernel panic|PANIC|general protection|stack segment|kernel BUG|invalid opcode"
                    + "|divide|Internal error|Unable to handle|Unhandled fault|Oops|list_|hlist_|ODEBUG|refcount_t"
                    + "|usercopy|rcu:|Insufficient stack|unreferenced object|NMI watchdog|watchdog|kernel stack overflow|Kernel stack overflow"
                    + "|Out of memory|Memory cgroup out of memory|oom-kill|oom_reaper|\\S.* invoked oom-killer|Kernel Offset)");

    private static List<Rule> build() {
        List<Rule> r = new ArrayList<>();
        // Sanitizers.
        r.add(rule("kasan", "BUG: KAS[Aa][Nn]: (?<kind>[\\w-]+(?: [\\w-]+)*?) (?:in " + FN + "|on address|at addr)",
                null, FrameSource.HEADER, COMMON, (m, c) -> {
                    String kind = kasanKind(m.group("kind"));
                    String access = c.line(ACCESS).map(a -> " " + a.group(1)).orElse("");
                    if (kind.equals("invalid-free") || kind.equals("double-free")) {
                        access = "";
                    }
                    return "KASAN: " + kind + access + c.in();
                }, false, NONE));
        r.add(rule("kfence", "BUG: KFENCE: (?<kind>use-after-free (?:read|write)|out-of-bounds (?:read|write)|invalid free"
                        + "|invalid (?:read|write)|memory corruption) in " + FN,
                ReportType.MEMORY_SAFETY, FrameSource.HEADER, COMMON, (m, c) -> "KFENCE: " + m.group("kind") + c.in(), false, NONE));
        r.add(rule("kmsan", "BUG: KMSAN: (?<kind>[\\w-]+) in " + FN, ReportType.MEMORY_SAFETY, FrameSource.HEADER, COMMON,
                (m, c) -> "KMSAN: " + m.group("kind") + c.in(), false, NONE));
        r.add(rule("kcsan", "BUG: KCSAN: (?<kind>[\\w-]+) in " + FN + "(?: / (?<fn2>[\\w.$]+))?", ReportType.MEMORY_SAFETY,
                FrameSource.HEADER, COMMON, (m, c) -> "KCSAN: " + m.group("kind") + c.in()
                        + (m.group("fn2") != null ? " / " + FunctionNames.normalise(m.group("fn2")) : ""), false, NONE));
        r.add(rule("ubsan", "UBSAN: (?<kind>[A-Za-z][\\w -]*?) in \\S+", ReportType.UNDEFINED_BEHAVIOUR, FrameSource.STACK,
                COMMON, (m, c) -> "UBSAN: " + ubsanKind(m.group("kind")) + c.in(), false, NONE));
        // Page faults and exceptions.
        r.add(rule("null-deref", "(?:BUG: unable to handle kernel NULL pointer dereference|BUG: kernel NULL pointer dereference"
                        + "|Unable to handle kernel NULL pointer dereference)",
                ReportType.NULL_DEREF, FrameSource.RIP, COMMON,
                (m, c) -> "BUG: unable to handle kernel NULL pointer dereference" + c.in(), false, NONE));
        r.add(rule("paging", "(?:BUG: unable to handle kernel paging request|BUG: unable to handle page fault|BUG: Unable to handle kernel (?:data access|instruction fetch)"
                        + "|Unable to handle kernel paging request)",
                ReportType.MEMORY_SAFETY, FrameSource.RIP, COMMON,
                (m, c) -> "BUG: unable to handle kernel paging request" + c.in(), false, NONE));
        r.add(rule("fault", "BUG: unable to handle kernel", ReportType.MEMORY_SAFETY, FrameSource.RIP, COMMON,
                (m, c) -> "BUG: unable to handle kernel" + c.in(), false, NONE));
        r.add(rule("gpf", "general protection fault", ReportType.MEMORY_SAFETY, FrameSource.RIP, COMMON,
                (m, c) -> "general protection fault" + c.in(), true, NONE));
        r.add(rule("stack-segment", "stack segment: ", ReportType.MEMORY_SAFETY, FrameSource.RIP, COMMON,
                (m, c) -> "stack segment fault" + c.in(), true, NONE));
        r.add(rule("list-corruption", "(?:h?list_\\w+|list) corruption|kernel BUG at lib/list_debug\\.c", ReportType.MEMORY_SAFETY, FrameSource.STACK, COMMON,
                (m, c) -> "BUG: corrupted list" + c.in(), true, NONE));
        r.add(rule("usercopy", "usercopy: [Kk]ernel memory (?:exposure|overwrite) attempt|kernel BUG at mm/usercopy\\.c", ReportType.MEMORY_SAFETY,
                FrameSource.STACK, COMMON, (m, c) -> "BUG: bad usercopy" + c.in(), true, NONE));
        r.add(rule("odebug", "ODEBUG: ", ReportType.WARNING, FrameSource.STACK, COMMON,
                (m, c) -> "WARNING: ODEBUG bug" + c.in(), false, NONE));
        r.add(rule("refcount", "refcount_t: ", ReportType.WARNING, FrameSource.STACK, List.of(REFCOUNT),
                (m, c) -> "WARNING: refcount bug" + c.in(), false, NONE));
        r.add(rule("kernel-bug", "kernel BUG at \\S+", ReportType.BUG, FrameSource.RIP, COMMON,
                (m, c) -> "kernel BUG" + c.in(), true, NONE));
        r.add(rule("invalid-opcode", "invalid opcode: ", ReportType.BUG, FrameSource.RIP, COMMON,
                (m, c) -> "invalid opcode" + c.in(), true, NONE));
        r.add(rule("divide-error", "divide[ _]error: ", ReportType.BUG, FrameSource.RIP, COMMON,
                (m, c) -> "divide error" + c.in(), true, NONE));
        r.add(rule("internal-error", "Internal error: ", ReportType.BUG, FrameSource.RIP, COMMON,
                (m, c) -> "Internal error" + c.in(), true, NONE));
        r.add(rule("unhandled-fault", "Unhandled fault: ", ReportType.BUG, FrameSource.RIP, COMMON,
                (m, c) -> "Unhandled fault" + c.in(), true, NONE));
        r.add(rule("double-fault", "PANIC: double fault", ReportType.STACK_OVERFLOW, FrameSource.RIP, COMMON,
                (m, c) -> "PANIC: double fault" + c.in(), false, NONE));
        r.add(rule("guard-page", "BUG: stack guard page was hit", ReportType.STACK_OVERFLOW, FrameSource.STALL, List.of(STALL),
                (m, c) -> "BUG: stack guard page was hit" + c.in(), false, NONE));
        r.add(rule("stack-overflow", "[Kk]ernel stack overflow|Insufficient stack space to handle exception", ReportType.STACK_OVERFLOW,
                FrameSource.STALL, List.of(STALL),
                (m, c) -> "kernel stack overflow" + c.in(), true, NONE));
        // Lock validator.
        r.add(rule("deadlock", "(?:WARNING: |\\[ INFO: )(?:possible (?:circular locking dependency|recursive locking"
                        + "|irq lock inversion dependency) detected|(?:HARD|SOFT)IRQ-(?:READ-)?safe -> (?:HARD|SOFT)IRQ-(?:READ-)?unsafe lock order)",
                ReportType.LOCKDEP, FrameSource.LOCK_AT, COMMON, (m, c) -> "possible deadlock" + c.in(), false, NONE));
        r.add(rule("inconsistent", "(?:WARNING: |\\[ INFO: |INFO: )inconsistent lock state", ReportType.LOCKDEP,
                FrameSource.LOCK_AT, COMMON, (m, c) -> "inconsistent lock state" + c.in(), false, NONE));
        r.add(rule("suspicious-rcu", "(?:\\[ )?(?<pfx>WARNING|INFO): suspicious RCU usage", ReportType.LOCKDEP, FrameSource.STACK,
                List.of(STALL), (m, c) -> m.group("pfx") + ": suspicious RCU usage" + c.in(), false, NONE));
        r.add(rule("non-static-key", "INFO: trying to register non-static key", ReportType.LOCKDEP, FrameSource.STACK, COMMON,
                (m, c) -> "INFO: trying to register non-static key" + c.in(), false, NONE));
        r.add(rule("lock-misuse", "(?:\\[ )?(?<pfx>WARNING|BUG): (?<what>bad unlock balance|held lock freed"
                        + "|nested lock was not taken|lock held when returning to user space|.*still has locks held)",
                ReportType.LOCKDEP, FrameSource.STACK, COMMON,
                (m, c) -> m.group("pfx") + ": " + lockMisuse(m.group("what")) + c.in(), false, NONE));
        // Context bugs.
        r.add(rule("sleep-atomic", "BUG: sleeping function called from invalid context", ReportType.ATOMIC_SLEEP,
                FrameSource.STACK, COMMON, (m, c) -> "BUG: sleeping function called from invalid context" + c.in(), false, NONE));
        r.add(rule("sched-atomic", "BUG: scheduling while atomic", ReportType.ATOMIC_SLEEP, FrameSource.STACK, List.of(HANG),
                (m, c) -> "BUG: scheduling while atomic" + c.in(), false, NONE));
        r.add(rule("preemptible", "BUG: using (?<what>\\S+) in preemptible", ReportType.BUG, FrameSource.STACK, COMMON,
                (m, c) -> "BUG: using " + m.group("what") + " in preemptible code" + c.in(), false, NONE));
        // Stalls, lockups, hangs.
        r.add(rule("soft-lockup", "(?:[\\w ]*watchdog: )?BUG: soft lockup", ReportType.LOCKUP, FrameSource.STALL, List.of(STALL),
                (m, c) -> "BUG: soft lockup" + c.in(), false, NONE));
        r.add(rule("hard-lockup", "(?:NMI )?watchdog: (?:Watchdog detected hard LOCKUP|CPU\\d+: Watchdog detected hard LOCKUP)",
                ReportType.LOCKUP, FrameSource.STALL, List.of(STALL), (m, c) -> "BUG: hard lockup" + c.in(), false, NONE));
        r.add(rule("workqueue-lockup", "BUG: workqueue lockup", ReportType.HANG, FrameSource.NONE, COMMON,
                (m, c) -> "BUG: workqueue lockup", false, NONE));
        r.add(rule("hung-task", "INFO: task .+?:\\d+ blocked (?:in I/O wait )?for more than", ReportType.HANG, FrameSource.HANG,
                List.of(HANG), (m, c) -> "INFO: task hung" + c.in(), false, NONE));
        r.add(rule("cant-die", "INFO: task .+?:\\d+ can't die", ReportType.HANG, FrameSource.HANG, List.of(HANG),
                (m, c) -> "INFO: task can't die" + c.in(), false, NONE));
        r.add(rule("rcu-stall", "(?:rcu: )?INFO: rcu_\\w+ (?:self-)?detected (?:expedited )?stall", ReportType.HANG,
                FrameSource.STALL, List.of(STALL), (m, c) -> "INFO: rcu detected stall" + c.in(), false, NONE));
        // Out of memory and leaks.
        r.add(rule("oom", "\\S.*? invoked oom-killer:", ReportType.OOM, FrameSource.STACK, List.of(OOM),
                (m, c) -> "out of memory" + c.in(), false, NONE));
        r.add(rule("oom-kill", "(?:Memory cgroup out of memory|Out of memory)(?: and no killable processes)?[:.]|oom-kill:|oom_reaper:",
                ReportType.OOM, FrameSource.NONE, COMMON, (m, c) -> "out of memory", false, EnumSet.of(ReportType.OOM)));
        r.add(rule("leak", "BUG: memory leak|unreferenced object 0x[0-9a-f]+ \\(size", ReportType.LEAK, FrameSource.STACK, List.of(LEAK),
                (m, c) -> "memory leak" + c.in(), true, NONE));
        // Panics: specific messages first, then the consequences of an earlier report, then any panic.
        r.add(rule("stack-protector", "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in:? *" + FN,
                ReportType.MEMORY_SAFETY, FrameSource.HEADER, COMMON, (m, c) -> "kernel panic: stack is corrupted" + c.in(), false, NONE));
        r.add(rule("stack-end", "Kernel panic - not syncing: corrupted stack end", ReportType.STACK_OVERFLOW, FrameSource.STALL,
                List.of(HANG, STALL), (m, c) -> "kernel panic: corrupted stack end" + c.in(), false, NONE));
        r.add(panic("panic-lockup", "(?:Hard LOCKUP|Watchdog detected hard LOCKUP.*|softlockup: hung tasks)", ReportType.LOCKUP));
        r.add(panic("panic-hang", "(?:hung_task: blocked tasks|RCU Stall)", ReportType.HANG));
        r.add(panic("panic-oom", "(?:Out of memory.*|System is deadlocked on memory)", ReportType.OOM));
        r.add(panic("panic-stack", "(?:kernel stack overflow.*)", ReportType.STACK_OVERFLOW));
        r.add(panic("panic-fatal", "(?:Fatal exception.*|panic_on_warn set.*|panic_on_oops.*|Attempted to kill init!.*)", ReportType.PANIC));
        r.add(rule("panic", "Kernel panic - not syncing: ?(?<msg>.*)", ReportType.PANIC, FrameSource.STACK, COMMON,
                (m, c) -> "kernel panic: " + PanicMessage.normalise(m.group("msg")), false, NONE));
        // Generic kinds last.
        r.add(rule("bad-page", "BUG: Bad page (?<what>state|map|cache)", ReportType.MEMORY_SAFETY, FrameSource.STACK, COMMON,
                (m, c) -> "BUG: Bad page " + m.group("what") + c.in(), false, NONE));
        r.add(rule("bad-rss", "BUG: Bad rss-counter state", ReportType.MEMORY_SAFETY, FrameSource.NONE, COMMON,
                (m, c) -> "BUG: Bad rss-counter state", false, NONE));
        r.add(rule("warning", "WARNING: (?:CPU: \\d+ PID: \\d+ )?at (?<file>[^\\s:]+)\\S*(?: " + FN + ")?", ReportType.WARNING,
                FrameSource.HEADER, COMMON, (m, c) -> "WARNING" + c.warningKind().map(k -> ": " + k).orElse("") + c.in(), true, NONE));
        // 6.19+ prints the file and no function: "WARNING: fs/ext4/xattr.c:1058 at 0x0, CPU#0: comm/1".
        r.add(rule("warning-at", "WARNING: (?<file>[^\\s:]+):\\d+ at ", ReportType.WARNING, FrameSource.RIP, COMMON,
                (m, c) -> "WARNING" + c.in(), true, NONE));
        r.add(rule("warning-other", "WARNING: (?<what>[A-Za-z][\\w ()-]*?)(?: detected)?[!.:]?\\s*$", ReportType.WARNING,
                FrameSource.STACK, COMMON, (m, c) -> "WARNING: " + m.group("what") + c.in(), true, NONE));
        r.add(rule("bug", "BUG: (?<what>[A-Za-z][\\w ()/-]*?)(?: detected| suspected)?(?: in | at | on |[!.:,]|\\s*$)",
                ReportType.BUG, FrameSource.STACK, COMMON, (m, c) -> "BUG: " + m.group("what") + c.in(), false, NONE));
        r.add(rule("oops", "Oops: [0-9a-fx]+ \\[#\\d+\\]", ReportType.BUG, FrameSource.RIP, COMMON,
                (m, c) -> "Oops" + c.in(), true, NONE));
        return List.copyOf(r);
    }

    private static Rule rule(String name, String start, ReportType type, FrameSource source, List<FrameRules.Section> extra,
            Rule.Title title, boolean weak, Set<ReportType> foldsInto) {
        return new Rule(name, Pattern.compile(start), type == null ? ReportType.MEMORY_SAFETY : type, source, extra, title,
                weak, foldsInto);
    }

    /** A panic that usually ends an earlier report: it joins that report if one was just seen. */
    private static Rule panic(String name, String message, ReportType type) {
        return rule(name, "Kernel panic - not syncing: ?(?<msg>" + message + ")", type, FrameSource.STACK, List.of(STALL),
                (m, c) -> "kernel panic: " + PanicMessage.normalise(m.group("msg")), false, ANY);
    }

    static ReportType kasanType(String kind) {
        return kind.startsWith("null-ptr-deref") ? ReportType.NULL_DEREF : ReportType.MEMORY_SAFETY;
    }

    private static String kasanKind(String printed) {
        String k = printed.toLowerCase(Locale.ROOT).replace(' ', '-');
        if (k.contains("invalid-free") || k.equals("double-free")) {
            return "invalid-free";
        }
        return switch (k) {
            case "use-after-free", "slab-use-after-free", "vmalloc-out-of-bounds", "slab-out-of-bounds",
                    "global-out-of-bounds", "stack-out-of-bounds", "null-ptr-deref", "wild-memory-access",
                    "user-memory-access", "double-free", "use-after-scope", "alloca-out-of-bounds",
                    "invalid-access" -> k;
            case "out-of-bounds-access", "out-of-bounds" -> "slab-out-of-bounds";
            default -> k;
        };
    }

    private static String ubsanKind(String printed) {
        String k = printed.strip().toLowerCase(Locale.ROOT).replace(' ', '-');
        return k.equals("undefined-behaviour") || k.equals("undefined-behavior") ? "undefined-behaviour" : k;
    }

    private static String lockMisuse(String what) {
        return what.endsWith("still has locks held") ? "still has locks held" : what;
    }
}
