package io.crashpipe.parsers.oops;

import static io.crashpipe.parsers.oops.FramePlan.AT;
import static io.crashpipe.parsers.oops.FramePlan.CALL_TRACE;
import static io.crashpipe.parsers.oops.FramePlan.FUNC;
import static io.crashpipe.parsers.oops.FramePlan.PC;
import static io.crashpipe.parsers.oops.FramePlan.RIP;
import static io.crashpipe.parsers.oops.FramePlan.TRACE;
import static io.crashpipe.parsers.oops.FramePlan.find;

import io.crashpipe.parsers.oops.FramePlan.Pick;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ordered list of report kinds (first match wins), one small rule each, written to the
 * conventions kernel fuzzing dashboards made common: a fixed phrase for the kind, then "in" and
 * the guilty function, nothing that changes between hosts, builds or boots (see {@link TitleText}).
 * A line is recognised where a report header starts it, or where a header appears inside it
 * after console noise ("syzkaller login: BUG: ..."), unless the line is known chatter.
 */
final class Recognisers {
    private static final Set<ReportType> ANY = EnumSet.allOf(ReportType.class);
    private static final Set<ReportType> NONE = Set.of();
    /** A KASAN access line: {@code Read of size 8 at addr ...}, tag-based {@code Write at addr ...}. */
    private static final Pattern ACCESS = Pattern.compile("(Read|Write) (?:of size|at addr) [0-9a-f]+");

    private static final List<Rule> RULES = build();

    private Recognisers() {}

    static List<Rule> all() {
        return RULES;
    }

    /** A rule and its match on the first line. */
    record Match(Rule rule, Matcher matcher) {}

    /** The first rule whose start pattern matches the line, with its match. */
    static Match match(String text) {
        Match m = firstMatch(text);
        // Chatter is looked for only on lines that would start a report: most lines start none.
        return m != null && SUPPRESSED.matcher(text).find() ? null : m;
    }

    private static Match firstMatch(String text) {
        Match m = matchAtStart(text, true);
        if (m != null) {
            return m;
        }
        // Console noise glued in front of the kernel's line ("syzkaller login: BUG: ..."), or a
        // message printed into the middle of another one: retry at each header inside the line.
        if (!mayHoldHeader(text)) {
            return null;
        }
        Matcher h = HEADER.matcher(text);
        while (h.find()) {
            if (h.start() == 0) {
                continue;
            }
            m = matchAtStart(text.substring(h.start()), false);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private static Match matchAtStart(String text, boolean atLineStart) {
        String t = atLineStart ? text.strip() : text;
        if (t.startsWith("Oops: ") && !t.startsWith("Oops: 0")) {
            t = t.substring(6); // 6.9+ prefixes the kind: "Oops: general protection fault, ..."
        }
        if (t.isEmpty() || !(STARTS.matcher(t).lookingAt() || invokesOomKiller(t))) {
            return null;
        }
        for (Rule r : RULES) {
            if (!atLineStart && r.name().equals("raw")) {
                continue; // text after noise names a report only when a specific kind recognises it
            }
            Matcher m = r.match(t);
            if (m != null) {
                return new Match(r, m);
            }
        }
        return null;
    }

    /** "TASK invoked oom-killer: ...", kept out of {@link #STARTS}, where ".*" would scan every line twice. */
    private static boolean invokesOomKiller(String t) {
        return !LinePrefix.isSpace(t.charAt(0)) && t.indexOf(" invoked oom-killer") > 0;
    }

    /** Cheap test before the header search: every header holds one of these words. */
    private static boolean mayHoldHeader(String t) {
        return t.indexOf("BUG") >= 0 || t.indexOf("WARNING:") >= 0 || t.indexOf("INFO:") >= 0 || t.indexOf("fault") >= 0
                || t.indexOf("panic") >= 0 || t.indexOf("Unable") >= 0 || t.indexOf("UBSAN") >= 0 || t.indexOf("error:") >= 0
                || t.indexOf("opcode") >= 0 || t.indexOf("PANIC") >= 0 || t.indexOf("Booting") >= 0 || t.indexOf("unregister_") >= 0
                || t.indexOf("int3:") >= 0 || t.indexOf("Internal error") >= 0 || t.indexOf("Unhandled") >= 0
                || t.indexOf("Alignment trap") >= 0 || t.indexOf("VFS: ") >= 0;
    }

    /** Report headers, found anywhere in a line when not preceded by a word character ("ODEBUG:" is no "BUG:"). */
    private static final Pattern HEADER = Pattern.compile("(?<![A-Za-z0-9_])(?:BUG:|BUG kmalloc-|WARNING:|INFO:|general protection fault"
            + "|stack segment: |Kernel panic|kernel BUG|Kernel BUG|Unable to handle kernel|UBSAN:|divide(?: |_)error:|invalid opcode:"
            + "|int3:|Internal error:|Unhandled fault:|Alignment trap:|PANIC: double fault|unregister_netdevice: waiting for"
            + "|Booting the kernel|VFS: Close: file count is 0|VFS: Busy inodes after unmount)");

    /** Lines that look like reports and are not: user space and boot chatter, informational notes. */
    private static final Pattern SUPPRESSED = Pattern.compile(String.join("|", List.of(
            "INFO: lockdep is turned off", "INFO: Stall ended before state dump start", "INFO: NMI handler",
            "INFO: recovery required on readonly filesystem", "(?:handler|interrupt).*took too long",
            "INFO: sys_.* is not present in /proc/kallsyms", "INFO: no syscalls can create resource",
            "BUG: no syscalls can create resource", "rmt_storage:INFO:", "WARNING: /etc/ssh/moduli does not exist",
            "WARNING: workqueue cpumask: online intersect > possible intersect", "WARNING: [Tt]he mand mount option",
            "WARNING: Unsupported flag value", "WARNING: Unprivileged eBPF is enabled", "WARNING: fbcon: Driver '",
            "WARNING: See https.* for mitigation options", "WARNING: kernel not compiled with CPU_SRSO",
            "EXT4-[Ff][Ss](?: \\(.*\\))?:", "(?i)warning: .* uses (?:deprecated v2 capabilities|wireless extensions)",
            "XFS \\(\\w+\\): WARNING", "general protection fault .* error:\\d+ in ",
            "(?:Parsing ELF|Decompressing Linux|Unknown parameter ').*Booting the kernel", "---\\[ end ",
            // a KASAN header per inlined frame precedes the one that names the real function
            "BUG: KASAN: .*\\[inline\\]\\s*$",
            // SLUB's object details inside its own or KASAN's report
            "INFO: 0x[0-9a-f]+-0x[0-9a-f]+\\. First byte", "INFO: Slab 0x", "INFO: Object 0x")));

    // Cheap pre-filter: every start pattern begins with one of these words.
    private static final Pattern STARTS = Pattern.compile(
            "(?:BUG|WARNING|INFO|\\[ INFO|\\[ BUG|\\[ WARNING|UBSAN|Kernel panic|PANIC|general protection|stack segment|kernel BUG|Kernel BUG"
                    + "|invalid opcode|divide|Internal error|Unable to handle|Unhandled fault|Alignment trap|int3|Oops|list_|hlist_|ODEBUG"
                    + "|refcount_t|usercopy|rcu:|Insufficient stack|unreferenced object|NMI watchdog|watchdog|kernel stack overflow"
                    + "|Kernel stack overflow|Out of memory|Memory cgroup out of memory|oom-kill|oom_reaper"
                    + "|Booting the kernel|unregister_netdevice|VFS: |Debug: )");

    private static List<Rule> build() {
        List<Rule> r = new ArrayList<>();
        Pick first = Pick.FIRST;
        // Sanitizers.
        r.add(kind("kasan-free", "BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in ", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.of(find("BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in " + FUNC), find(CALL_TRACE), TRACE))
                .skip("slab_ kfree vunmap vfree").title((m, c) -> "KASAN: invalid-free" + c.in()).done());
        r.add(kind("kasan", "BUG: KASAN: (?<kind>[a-z\\-]+) in " + FUNC + ".*", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.of(find("BUG: KASAN: [a-z\\-]+ in " + FUNC), find(CALL_TRACE), TRACE))
                .skip("kernel_fault tag_check mem_abort ^el1_ ^el1h_")
                .title((m, c) -> c.line(ACCESS).map(a -> "KASAN: " + m.group("kind") + " " + a.group(1) + c.in())
                        .orElse("KASAN: " + m.group().substring("BUG: KASAN: ".length())))
                .done());
        r.add(kind("kasan-address", "BUG: KASAN: (?<kind>[a-z\\-]+) on address", ReportType.MEMORY_SAFETY)
                .title((m, c) -> "KASAN: " + m.group("kind") + c.line(ACCESS).map(a -> " " + a.group(1)).orElse("")).done());
        r.add(kind("kasan-other", "BUG: KASAN: (?<rest>.*)", ReportType.MEMORY_SAFETY).title((m, c) -> "KASAN: " + m.group("rest")).done());
        r.add(kind("kmsan-usb", "BUG: KMSAN: kernel-usb-infoleak", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.of(TRACE, find("Local variable .* created at:|Uninit was created at:")))
                .skip("alloc_skb usb_submit_urb usb_start_wait_urb usb_bulk_msg usb_interrupt_msg usb_control_msg")
                .title((m, c) -> "KMSAN: kernel-usb-infoleak" + c.in()).done());
        r.add(kind("kmsan", "BUG: KMSAN: (?<kind>[a-z\\-]+) in ", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.of(TRACE, find("Local variable .* created at:|Uninit was created at:")))
                .skip("alloc_skb netlink_ack netlink_rcv_skb _encrypt$ ^(?:crypto|cipher|drbg|rng)_")
                .title((m, c) -> "KMSAN: " + m.group("kind") + c.in()).done());
        r.add(kind("kcsan", "BUG: KCSAN: (?<rest>.*)", ReportType.MEMORY_SAFETY).title((m, c) -> "KCSAN: " + m.group("rest")).done());
        r.add(kind("kfence", "BUG: KFENCE: (?<kind>use-after-free (?:read|write)|out-of-bounds (?:read|write)|invalid free"
                + "|invalid (?:read|write)|memory corruption) in ", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.of(find("BUG: KFENCE: [a-z\\- ]+ in " + FUNC), TRACE))
                .title((m, c) -> "KFENCE: " + m.group("kind") + c.in()).done());
        r.add(kind("ubsan", "UBSAN: (?<kind>.*?) in ", ReportType.UNDEFINED_BEHAVIOUR).plan(FramePlan.stack(first)).skip("ubsan overflow")
                .title((m, c) -> "UBSAN: " + ubsanKind(m.group("kind")) + c.in()).done());
        // Page faults and exceptions.
        r.add(kind("paging", "BUG: (?:unable to handle kernel paging request|unable to handle page fault for address"
                + "|Unable to handle kernel data access)", ReportType.MEMORY_SAFETY).plan(FramePlan.rip(first))
                .title((m, c) -> "BUG: unable to handle kernel paging request" + c.in()).done());
        r.add(kind("null-deref", "BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference"
                + "|Kernel NULL pointer dereference)", ReportType.NULL_DEREF).plan(FramePlan.rip(first))
                .title((m, c) -> "BUG: unable to handle kernel NULL pointer dereference" + c.in()).done());
        r.add(kind("fault", "BUG: (?:unable to handle kernel|Unable to handle kernel)", ReportType.MEMORY_SAFETY)
                .title((m, c) -> "BUG: unable to handle kernel").done());
        r.add(kind("arm-null-deref", "Unable to handle kernel (?<what>NULL pointer dereference)", ReportType.NULL_DEREF)
                .plan(FramePlan.rip(first)).title((m, c) -> "BUG: unable to handle kernel " + m.group("what") + c.in()).done());
        r.add(kind("arm-fault", "Unable to handle kernel (?<what>paging request|access to user memory)",
                ReportType.MEMORY_SAFETY).plan(FramePlan.rip(first))
                .title((m, c) -> "BUG: unable to handle kernel " + m.group("what") + c.in()).done());
        r.add(kind("gpf", "general protection fault.*:", ReportType.MEMORY_SAFETY).plan(FramePlan.rip(first)).weak()
                .title((m, c) -> "general protection fault" + c.in()).done());
        r.add(kind("stack-segment", "stack segment: ", ReportType.MEMORY_SAFETY).plan(FramePlan.rip(first)).weak()
                .title((m, c) -> "stack segment fault" + c.in()).done());
        // Checkers that print a line of their own before the BUG or WARNING that names the report.
        r.add(kind("list-corruption", "(?:h?list_\\w+|list) corruption", ReportType.MEMORY_SAFETY).plan(FramePlan.stack(first)).prelude()
                .title((m, c) -> "BUG: corrupted list" + c.in()).done());
        r.add(kind("usercopy", "usercopy: [Kk]ernel memory (?:exposure|overwrite) attempt", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.stack(first)).skip("usercopy __check").prelude().title((m, c) -> "BUG: bad usercopy" + c.in()).done());
        r.add(kind("odebug", "ODEBUG: ", ReportType.WARNING).plan(FramePlan.warning()).prelude()
                .skip("debug_ rcu hrtimer_ timer_ work_ percpu_ vunmap vfree __free_ debug_check kobject_")
                .title((m, c) -> "WARNING: ODEBUG bug" + c.in()).done());
        r.add(kind("refcount", "refcount_t: ", ReportType.WARNING).plan(FramePlan.warning()).prelude().skip("refcount kobject_")
                .title((m, c) -> "WARNING: refcount bug" + c.in()).done());
        // kernel BUG: the file says which checker fired.
        r.add(kind("bug-list", "kernel BUG at lib/list_debug\\.c", ReportType.MEMORY_SAFETY).plan(FramePlan.stack(first))
                .title((m, c) -> "BUG: corrupted list" + c.in()).done());
        r.add(kind("bug-usercopy", "kernel BUG at mm/usercopy\\.c", ReportType.MEMORY_SAFETY).plan(FramePlan.stack(first))
                .skip("usercopy __check").title((m, c) -> "BUG: bad usercopy" + c.in()).done());
        r.add(kind("kernel-bug", "kernel BUG at \\S+", ReportType.BUG).plan(FramePlan.rip(first)).skip("^skb_").weak()
                .title((m, c) -> "kernel BUG" + c.in()).done());
        r.add(kind("kernel-bug-other", "Kernel BUG (?<rest>.*)", ReportType.BUG).title((m, c) -> "kernel BUG " + m.group("rest")).done());
        r.add(kind("invalid-opcode", "invalid opcode: ", ReportType.BUG).plan(FramePlan.ripOnly()).weak()
                .title((m, c) -> "invalid opcode" + c.in()).done());
        r.add(kind("divide-error", "divide[ _]error: ", ReportType.BUG).plan(FramePlan.ripOnly()).weak()
                .title((m, c) -> "divide error" + c.in()).done());
        r.add(kind("int3", "int3: ", ReportType.BUG).plan(FramePlan.rip(first)).weak().title((m, c) -> "int3" + c.in()).done());
        r.add(kind("internal-error", "Internal error: ", ReportType.BUG).plan(FramePlan.rip(first)).weak()
                .title((m, c) -> "Internal error" + c.in()).done());
        r.add(kind("unhandled-fault", "Unhandled fault: ", ReportType.BUG).plan(FramePlan.rip(first)).weak()
                .title((m, c) -> "Unhandled fault" + c.in()).done());
        r.add(kind("alignment-trap", "Alignment trap: ", ReportType.BUG).plan(FramePlan.rip(first)).weak()
                .title((m, c) -> "Alignment trap" + c.in()).done());
        r.add(kind("double-fault", "PANIC: double fault", ReportType.STACK_OVERFLOW).plan(FramePlan.ripOnly())
                .title((m, c) -> "PANIC: double fault" + c.in()).done());
        r.add(kind("guard-page", "BUG: (?:\\S+ )?stack guard page was hit", ReportType.STACK_OVERFLOW).plan(FramePlan.rip(Pick.STALL))
                .title((m, c) -> "BUG: stack guard page was hit" + c.in()).done());
        r.add(kind("stack-overflow", "[Kk]ernel stack overflow|Insufficient stack space to handle exception", ReportType.STACK_OVERFLOW)
                .plan(FramePlan.stack(Pick.STALL)).skip("bad_stack").weak().title((m, c) -> "kernel stack overflow" + c.in()).done());
        // Lock validator. Old kernels frame the headline as "[ INFO: ... ]".
        String lockdep = "(?:\\[ )?(?<pfx>WARNING|INFO|BUG): ";
        r.add(kind("deadlock-circular", "(?:\\[ )?WARNING: possible circular locking dependency detected", ReportType.LOCKDEP)
                .plan(FramePlan.of(find(AT), find(AT), TRACE)).skip("process_one_work flush_workqueue drain_workqueue destroy_workqueue")
                .title((m, c) -> "possible deadlock" + c.in()).done());
        r.add(kind("deadlock-circular-old", "(?:\\[ )?INFO: possible circular locking dependency detected", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("is trying to acquire lock"), find(AT))).title((m, c) -> "possible deadlock" + c.in()).done());
        r.add(kind("deadlock-recursive", lockdep + "possible recursive locking detected", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("is trying to acquire lock"), find(AT))).title((m, c) -> "possible deadlock" + c.in()).done());
        r.add(kind("deadlock-inversion", lockdep + "possible irq lock inversion dependency detected", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("just changed the state of lock"), find(AT))).title((m, c) -> "possible deadlock" + c.in()).done());
        r.add(kind("deadlock-irq-order", "(?:\\[ )?WARNING: \\S+-safe -> \\S+-unsafe lock order detected", ReportType.LOCKDEP)
                .plan(FramePlan.of(find("which became .* at:"), TRACE)).title((m, c) -> "possible deadlock" + c.in()).done());
        r.add(kind("deadlock-irq-order-old", "(?:\\[ )?INFO: \\S+-safe -> \\S+-unsafe lock order detected", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("is trying to acquire"), find(AT))).title((m, c) -> "possible deadlock" + c.in()).done());
        r.add(kind("inconsistent", "(?:\\[ )?WARNING: inconsistent lock state", ReportType.LOCKDEP).plan(FramePlan.stack(first))
                .title((m, c) -> "inconsistent lock state" + c.in()).done());
        r.add(kind("inconsistent-old", "(?:\\[ )?INFO: inconsistent lock state", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("takes"), find(AT))).title((m, c) -> "inconsistent lock state" + c.in()).done());
        r.add(kind("suspicious-rcu", "(?:\\[ )?(?<pfx>WARNING|INFO): suspicious RCU usage", ReportType.LOCKDEP)
                .plan(FramePlan.stack(first)).skip("rcu kmem slab")
                .title((m, c) -> m.group("pfx") + ": suspicious RCU usage" + c.in()).done());
        r.add(kind("non-static-key", "INFO: trying to register non-static key", ReportType.LOCKDEP).plan(FramePlan.stack(first))
                .skip("stack lock IRQ").title((m, c) -> "INFO: trying to register non-static key" + c.in()).done());
        r.add(kind("bad-unlock", lockdep + "bad unlock balance detected", ReportType.LOCKDEP)
                .plan(FramePlan.of(find(PC + " +" + FUNC), find(CALL_TRACE), TRACE))
                .title((m, c) -> m.group("pfx") + ": bad unlock balance" + c.in()).done());
        r.add(kind("held-lock-freed", lockdep + "held lock freed", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("held lock freed"), find("(?:at:(?: " + PC + ")?|" + PC + ") +" + FUNC)))
                .title((m, c) -> m.group("pfx") + ": held lock freed" + c.in()).done());
        r.add(kind("locks-held", lockdep + ".*still has locks held", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("(?:at: (?:" + PC + " +)?|" + PC + " +)" + FUNC)))
                .title((m, c) -> m.group("pfx") + ": still has locks held" + c.in()).done());
        r.add(kind("lock-to-user", lockdep + "lock held when returning to user space", ReportType.LOCKDEP)
                .plan(FramePlan.verbatim(find("leaving the kernel with locks still held"), find(AT)))
                .title((m, c) -> m.group("pfx") + ": lock held when returning to user space" + c.in()).done());
        r.add(kind("nested-lock", "(?:\\[ )?WARNING: Nested lock was not taken", ReportType.LOCKDEP).plan(FramePlan.warning())
                .title((m, c) -> "WARNING: nested lock was not taken" + c.in()).done());
        r.add(kind("invalid-wait", "(?:\\[ )?BUG: Invalid wait context", ReportType.LOCKDEP).plan(FramePlan.stack(first))
                .skip("lock_sock release_sock").title((m, c) -> "WARNING: locking bug" + c.in()).done());
        // Context bugs.
        // 2.6.0-2.6.7 printed the same check as "Debug: sleeping function called ...".
        r.add(kind("sleep-atomic", "(?:BUG|Debug): sleeping function called from invalid context", ReportType.ATOMIC_SLEEP)
                .plan(FramePlan.stack(first)).title((m, c) -> "BUG: sleeping function called from invalid context" + c.in()).done());
        r.add(kind("sched-atomic", "BUG: scheduling while atomic", ReportType.ATOMIC_SLEEP).plan(FramePlan.stack(first))
                .skip("schedule").title((m, c) -> "BUG: scheduling while atomic" + c.in()).done());
        r.add(kind("preemptible", "BUG: using (?<what>[a-z_]+\\(\\)) in preemptible", ReportType.BUG).plan(FramePlan.stack(first))
                .skip("dump_stack preemption preempt debug_ processor_id this_cpu")
                .title((m, c) -> "BUG: using " + m.group("what") + " in preemptible code" + c.in()).done());
        r.add(kind("spinlock", "BUG: (?<what>(?:spinlock|rwlock) (?:lockup suspected|already unlocked|recursion|cpu recursion|bad magic"
                + "|wrong owner|wrong CPU|trylock failure on UP))", ReportType.LOCKUP).plan(FramePlan.stack(first))
                .skip("spin_ _lock _unlock").title((m, c) -> "BUG: " + m.group("what") + c.in()).done());
        // Stalls, lockups, hangs.
        r.add(kind("soft-lockup", "(?:[\\w ]*watchdog: )?BUG: soft lockup", ReportType.LOCKUP).plan(FramePlan.rip(Pick.STALL))
                .title((m, c) -> "BUG: soft lockup" + c.in()).done());
        r.add(kind("hard-lockup", "(?:NMI )?watchdog: (?:Watchdog detected hard LOCKUP|CPU\\d+: Watchdog detected hard LOCKUP)",
                ReportType.LOCKUP).plan(FramePlan.rip(Pick.STALL)).title((m, c) -> "BUG: hard lockup" + c.in()).done());
        r.add(kind("workqueue-lockup", "BUG: workqueue lockup", ReportType.HANG).title((m, c) -> "BUG: workqueue lockup").done());
        r.add(kind("workqueue-leak", "BUG: workqueue leaked lock or atomic", ReportType.BUG)
                .plan(FramePlan.verbatim(find("last function: (?<fn>[a-zA-Z0-9_]+)\\s*$")))
                .title((m, c) -> "BUG: workqueue leaked lock or atomic" + c.in()).done());
        r.add(kind("hung-task", "INFO: task .+?:\\d+ blocked (?:in I/O wait )?for more than", ReportType.HANG)
                .plan(FramePlan.stack(Pick.HANG)).title((m, c) -> "INFO: task hung" + c.in()).done());
        r.add(kind("cant-die", "INFO: task .+?:\\d+ can't die", ReportType.HANG).plan(FramePlan.stack(first)).skip("schedule")
                .title((m, c) -> "INFO: task can't die" + c.in()).done());
        r.add(kind("rcu-stall", "(?:rcu: )?INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall", ReportType.HANG)
                .plan(new FramePlan(List.of(FramePlan.optional("apic_timer_interrupt"), FramePlan.optional(RIP), TRACE),
                        List.of(find("apic_timer_interrupt|Exception stack|el1h_64_irq"), TRACE), Pick.STALL, true, false))
                .skip("apic_timer_interrupt rcu").title((m, c) -> "INFO: rcu detected stall" + c.in()).done());
        // Out of memory and leaks.
        r.add(kind("oom", "\\S.*? invoked oom-killer:", ReportType.OOM).plan(FramePlan.stack(first))
                .skip("^oom_ out_of_memory dump_header try_charge alloc_pages folio_alloc pagefault_out_of_memory memcg obj_cgroup charge")
                .title((m, c) -> "out of memory" + c.in()).done());
        r.add(kind("oom-kill", "(?:Memory cgroup out of memory|Out of memory)(?: and no killable processes)?[:.]|oom-kill:|oom_reaper:",
                ReportType.OOM).foldsInto(EnumSet.of(ReportType.OOM)).title((m, c) -> "out of memory").done());
        r.add(kind("leak", "BUG: memory leak|unreferenced object 0x[0-9a-f]+ \\(size", ReportType.LEAK).weak()
                .plan(FramePlan.of(find("backtrace(?: \\(crc [0-9a-f]*\\))?:"), TRACE))
                .skip("kmemleak mmap kmem slab alloc create_object idr_get list_lru_init kasprintf kvasprintf pcpu_create strdup strndup memdup")
                .title((m, c) -> "memory leak" + c.in()).done());
        // Panics: specific messages first, then the consequences of an earlier report, then any panic.
        String panic = "Kernel panic - not syncing: ?";
        // The function the canary check names is taken as printed; an address instead sends us to the trace.
        r.add(kind("stack-protector", panic + "stack-protector: Kernel stack is corrupted in: " + FUNC, ReportType.MEMORY_SAFETY)
                .plan(FramePlan.verbatim(find("Kernel stack is corrupted in: " + FUNC)))
                .title((m, c) -> "kernel panic: stack is corrupted" + c.in()).done());
        r.add(kind("stack-protector-addr", panic + "stack-protector: Kernel stack is corrupted in", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.stack(first)).skip("stack_chk").title((m, c) -> "kernel panic: stack is corrupted" + c.in()).done());
        r.add(kind("stack-end", panic + "corrupted stack end", ReportType.STACK_OVERFLOW).plan(FramePlan.stack(Pick.STALL))
                .skip("schedule retint_kernel").title((m, c) -> "kernel panic: corrupted stack end" + c.in()).done());
        r.add(kind("panic-stack", panic + "kernel stack overflow", ReportType.STACK_OVERFLOW).plan(FramePlan.stack(Pick.STALL))
                .skip("bad_stack").foldsInto(ANY).title((m, c) -> "kernel stack overflow" + c.in()).done());
        r.add(fixedPanic("panic-init", "Attempted to kill init!", ReportType.PANIC, ANY));
        r.add(fixedPanic("panic-tty", "Couldn't open N_TTY ldisc", ReportType.PANIC, NONE));
        r.add(fixedPanic("panic-fatal", "Fatal exception", ReportType.PANIC, ANY));
        r.add(fixedPanic("panic-warn", "panic_on_warn set", ReportType.PANIC, ANY));
        r.add(fixedPanic("panic-hung", "hung_task: blocked tasks", ReportType.HANG, ANY));
        r.add(panic("panic-lockup", "(?:Hard LOCKUP|Watchdog detected hard LOCKUP.*|softlockup: hung tasks)", ReportType.LOCKUP));
        r.add(panic("panic-hang", "(?:RCU Stall)", ReportType.HANG));
        r.add(panic("panic-oom", "(?:Out of memory.*|System is deadlocked on memory)", ReportType.OOM));
        r.add(panic("panic-other-fatal", "(?:panic_on_oops.*|panic_on_\\w+ set.*)", ReportType.PANIC));
        r.add(kind("panic", panic + "(?<msg>.*)", ReportType.PANIC).plan(FramePlan.stack(first)).title((m, c) -> "kernel panic: " + m.group("msg").strip()).done());
        // Memory management checks.
        r.add(kind("bad-page", "BUG: Bad page (?<what>state|cache)", ReportType.MEMORY_SAFETY)
                .plan(FramePlan.of(find("page last allocated"), TRACE))
                .skip("(?:free|put|get|update|release)_page free_unref ^_*folio truncate_inode_pages page_frag_free alloc vmap page_owner")
                .title((m, c) -> "BUG: Bad page " + m.group("what") + c.in()).done());
        r.add(kind("bad-page-map", "BUG: Bad page map", ReportType.MEMORY_SAFETY).title((m, c) -> "BUG: Bad page map").done());
        r.add(kind("bad-mm", "BUG: (?<what>Bad rss-counter state|non-zero nr_ptes on freeing mm|non-zero nr_pmds on freeing mm)",
                ReportType.MEMORY_SAFETY).title((m, c) -> "BUG: " + m.group("what")).done());
        r.add(kind("dentry", "BUG: Dentry .* still in use \\([0-9]+\\) \\[unmount of ", ReportType.BUG)
                .title((m, c) -> "BUG: Dentry still in use in unmount").done());
        r.add(kind("object-free", "BUG kmalloc-.*: Object already free", ReportType.MEMORY_SAFETY)
                .title((m, c) -> "BUG: Object already free").done());
        // SLUB's own checks: "BUG kmalloc-64 (Not tainted): Poison overwritten"; the cache and taint vary, the
        // problem names the report. Weak: old KASAN reports print one right after their header.
        r.add(kind("slub", "BUG (?<cache>[\\w.:-]+) \\((?:Not tainted|Tainted:[^)]*)\\): (?<what>\\S.*)", ReportType.MEMORY_SAFETY)
                .weak().title((m, c) -> "BUG: " + m.group("what").strip()).done());
        // SLUB's object history ("INFO: Allocated in f+0x.. age=..") names a report only where its header was lost
        // (the fuzzing dashboards call those corrupted); after a KASAN or SLUB header it is part of that report.
        r.add(kind("slub-info", "INFO: (?<what>Freed|Allocated) in (?<rest>.*)", ReportType.MEMORY_SAFETY).weak()
                .title((m, c) -> "INFO: " + m.group("what") + " in " + m.group("rest")).done());
        r.add(kind("stack-regs", "WARNING: kernel stack regs at [0-9a-f]+ in \\S* has bad '(?<reg>[^']+)' value", ReportType.WARNING)
                .title((m, c) -> "WARNING: kernel stack regs has bad '" + m.group("reg") + "' value").done());
        r.add(kind("stack-fp", "WARNING: kernel stack frame pointer at [0-9a-f]+ in \\S* has bad value", ReportType.WARNING)
                .title((m, c) -> "WARNING: kernel stack frame pointer has bad value").done());
        r.add(kind("stack-regs-other", "WARNING: kernel stack (?:regs .* has bad 'bp' value|frame pointer .* has bad value)",
                ReportType.WARNING).title((m, c) -> "WARNING: kernel stack regs has bad value").done());
        // WARNINGs: the checker's kind from the file (FrameRules' warning-kinds), the function from the RIP or stack.
        r.add(kind("warning-urb", "WARNING: .* usb_submit_urb", ReportType.WARNING).plan(FramePlan.warning())
                .skip("usb_submit_urb usb_start_wait_urb usb_bulk_msg usb_interrupt_msg usb_control_msg").weak()
                .title((m, c) -> "WARNING in " + c.frame() + "/usb_submit_urb").done());
        // The function may be wrapped onto the next line by a mail client or a narrow console.
        r.add(kind("warning", "WARNING: (?:CPU: \\d+ PID: \\d+ )?at (?<file>[^\\s:]+):\\d+(?: [A-Za-z0-9_]+[.+]|\\s*$)", ReportType.WARNING)
                .plan(FramePlan.warning()).weak()
                .title((m, c) -> "WARNING" + c.warningKind().map(k -> ": " + k).orElse("") + c.in()).done());
        // 6.19+ prints the file first: "WARNING: fs/ext4/xattr.c:1058 at f+0x12/0x40, CPU#0: comm/1".
        r.add(kind("warning-at", "WARNING: (?<file>[^\\s:]+):\\d+ at ", ReportType.WARNING).plan(FramePlan.warning()).weak()
                .title((m, c) -> "WARNING" + c.warningKind().map(k -> ": " + k).orElse("") + c.in()).done());
        // Report kinds that name no function.
        r.add(kind("reboot", "Booting the kernel", ReportType.PANIC).title((m, c) -> "unexpected kernel reboot").done());
        r.add(kind("netdev-refs", "unregister_netdevice: waiting for .* to become free", ReportType.HANG)
                .title((m, c) -> "unregister_netdevice: waiting for DEV to become free").done());
        r.add(kind("vfs-close", "VFS: Close: file count is 0", ReportType.MEMORY_SAFETY)
                .title((m, c) -> "VFS: Close: file count is zero (use-after-free)").done());
        r.add(kind("vfs-busy", "VFS: Busy inodes after unmount", ReportType.MEMORY_SAFETY)
                .title((m, c) -> "VFS: Busy inodes after unmount (use-after-free)").done());
        r.add(kind("oops", "Oops: [0-9a-fx]+ \\[#\\d+\\]", ReportType.BUG).plan(FramePlan.rip(first)).weak()
                .title((m, c) -> "Oops" + c.in()).done());
        // A header with nothing after it was cut; any other headline is the title as printed.
        r.add(kind("empty", "(?<h>BUG|WARNING|INFO):\\s*$", ReportType.BUG).title((m, c) -> m.group("h") + ": corrupted").done());
        r.add(kind("raw", "(?:BUG|WARNING|INFO): \\S.*|Unable to handle kernel .*|UBSAN: .*", ReportType.BUG).weak()
                .title((m, c) -> m.group()).done());
        return List.copyOf(r);
    }

    private static Rule fixedPanic(String name, String message, ReportType type, Set<ReportType> foldsInto) {
        return kind(name, "Kernel panic - not syncing: ?" + Pattern.quote(message), type).foldsInto(foldsInto)
                .title((m, c) -> "kernel panic: " + message).done();
    }

    /** A panic that usually ends an earlier report: it joins that report if one was just seen. */
    private static Rule panic(String name, String message, ReportType type) {
        return kind(name, "Kernel panic - not syncing: ?(?<msg>" + message + ")", type).foldsInto(ANY)
                .title((m, c) -> "kernel panic: " + m.group("msg").strip()).done();
    }

    static ReportType kasanType(String kind) {
        return kind.startsWith("null-ptr-deref") ? ReportType.NULL_DEREF : ReportType.MEMORY_SAFETY;
    }

    private static String ubsanKind(String printed) {
        String k = printed.strip();
        return k.equalsIgnoreCase("Undefined behaviour") || k.equalsIgnoreCase("Undefined behavior") ? "undefined-behaviour" : k;
    }

    private static Builder kind(String name, String start, ReportType type) {
        return new Builder(name, start, type);
    }

    /** Collects one rule's parts; the table above reads as one statement per kind. */
    private static final class Builder {
        private final String name;
        private final String start;
        private final ReportType type;
        private Optional<FramePlan> plan = Optional.empty();
        private Optional<Pattern> skip = Optional.empty();
        private Rule.Title title;
        private boolean weak;
        private boolean prelude;
        private Set<ReportType> foldsInto = NONE;

        Builder(String name, String start, ReportType type) {
            this.name = name;
            this.start = start;
            this.type = type;
        }

        Builder plan(FramePlan p) {
            plan = Optional.of(p);
            return this;
        }

        Builder skip(String words) {
            skip = FrameRules.words(words);
            return this;
        }

        Builder title(Rule.Title t) {
            title = t;
            return this;
        }

        Builder weak() {
            weak = true;
            return this;
        }

        Builder prelude() {
            prelude = true;
            return this;
        }

        Builder foldsInto(Set<ReportType> types) {
            foldsInto = types;
            return this;
        }

        Rule done() {
            return new Rule(name, Pattern.compile(start), type, plan, skip, title, weak, prelude, foldsInto);
        }
    }
}
