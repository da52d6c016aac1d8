package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfType;
import io.crashpipe.parsers.kernel.KernelLists;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.ObjectBytes;
import io.crashpipe.parsers.memory.Completeness;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Builds the {@link TaskTable}: every thread group on {@code init_task.tasks}, every thread of
 * each group, each CPU's idle task, and whatever else the PID IDR knows ({@link PidIndex}), with
 * layouts from BTF and per-CPU data through {@code __per_cpu_offset}.
 *
 * <p>Missing pages cost only what lies in them: a task whose {@code task_struct} is partly
 * missing is a row with those fields unknown ({@link Task#completeness()}), a broken list link is
 * walked around ({@link KernelLists}), and an unreadable CPU or counter is noted in the table's
 * completeness. A page that has not arrived yet propagates (the streaming pass waits).
 */
public final class TaskTableReader {
    /** {@code PF_KTHREAD}, unchanged since 2.6.27; a define, so not in BTF. */
    private static final int PF_KTHREAD = 0x00200000;
    /** Used to bound list walks when the kernel's RAM size cannot be read: 1 TiB. */
    private static final long FALLBACK_RAM = 1L << 40;
    /** Room above the PID IDR's count for tasks between list and IDR updates when the kernel stopped. */
    private static final int SLACK = 64;

    private final KernelView view;
    private final KernelMemory mem;
    private final Btf btf;
    private final TaskLayout layout;
    private final Fact<PerCpu> percpu;
    private final int span;
    private final int pageSize;
    private final Completeness.Builder gaps = new Completeness.Builder();

    private TaskTableReader(KernelView view, Btf btf) {
        this.view = view;
        this.mem = view.memory();
        this.btf = btf;
        this.layout = TaskLayout.of(btf);
        this.percpu = gaps.note("per_cpu", Fact.read(() -> PerCpu.read(view)));
        this.pageSize = (int) view.vmcoreinfo().pageSize().orElse(4096);
        long max = 0;
        for (long o : new long[] {layout.tasks(), layout.pid(), layout.tgid(), layout.realParent(), layout.comm()
                + layout.commSize(), layout.state() + layout.stateSize(), layout.exitState(), layout.flags(),
                layout.mm(), layout.cpu(), layout.onCpu(), layout.stack(), layout.threadSp(), layout.signal(),
                layout.threadNode(), layout.threadGroup(), layout.rss().taskRssStat().orElse(0) + 4 * 8}) {
            max = Math.max(max, o);
        }
        this.span = (int) max + 16;
    }

    public static TaskTable read(KernelView view, Btf btf) {
        return new TaskTableReader(view, btf).read();
    }

    /** One task_struct as read: its bytes (possibly with missing pages) and where its lists are. */
    private record Raw(long address, ObjectBytes bytes) {
        Fact<Integer> pid(TaskLayout l) {
            return bytes.s32(l.pid());
        }
    }

    private TaskTable read() {
        List<CpuTasks> cpus = cpus();
        Set<Long> running = new HashSet<>();
        // A panicking kernel stops the other CPUs (offline), but what they ran is still "active".
        for (CpuTasks c : cpus) {
            running.add(c.running());
        }
        Map<Long, Raw> raws = new LinkedHashMap<>();
        Set<Long> idle = new HashSet<>();
        for (CpuTasks c : cpus) {
            if (c.rqIdle() != 0) {
                raws.computeIfAbsent(c.rqIdle(), this::raw);
                idle.add(c.rqIdle());
            }
        }
        long init = view.requireSymbol("init_task");
        // The PID IDR first: its task count bounds the list walks (a damaged link can lead into
        // foreign memory, such as a free-page list millions of nodes long), and where a walk went
        // wrong the IDR tells the tasks it reached from the foreign nodes.
        // Only an index read whole can bound or vouch: one with missing pages knows too few tasks.
        Completeness.Builder indexGaps = new Completeness.Builder();
        List<Long> indexed = PidIndex.tasks(view, btf, indexGaps);
        Map<String, String> indexUnknown = indexGaps.build().unknown();
        gaps.addAll(indexUnknown);
        boolean wholeIndex = !indexed.isEmpty() && indexUnknown.isEmpty();
        Set<Long> known = wholeIndex ? Set.copyOf(indexed) : Set.of();
        long limit = wholeIndex ? indexed.size() + SLACK : listLimit();
        KernelLists.Walk leaders = KernelLists.listHead(mem, init + layout.tasks(), layout.tasks(), limit);
        for (long leader : trusted("tasks", leaders, known, indexed.size())) {
            if (leader == init) {
                continue;
            }
            Raw r = raws.computeIfAbsent(leader, this::raw);
            for (long thread : threads(r, limit, known, indexed.size())) {
                raws.computeIfAbsent(thread, this::raw);
            }
        }
        // The PID IDR finds tasks the lists lost at a missing page.
        for (long task : indexed) {
            raws.computeIfAbsent(task, this::raw);
        }
        Map<Long, Fact<Long>> rssByMm = rssCache(raws.values());
        Map<Long, Fact<Integer>> pidOf = new HashMap<>();
        raws.values().forEach(r -> pidOf.put(r.address(), r.pid(layout)));
        pidOf.putIfAbsent(init, Fact.known(0));
        List<Task> tasks = new ArrayList<>();
        List<Long> skipped = new ArrayList<>();
        for (Raw r : raws.values()) {
            if (r.bytes().empty()) {
                skipped.add(r.address());
            }
            tasks.add(task(r, pidOf, rssByMm, running.contains(r.address()), idle.contains(r.address())));
        }
        // crash lists by pid; the idle tasks (all pid 0) by CPU, which is the order they were read in.
        // Rows whose pid is unknown go last.
        tasks.sort(Comparator.comparing((Task t) -> !t.completeness().known("pid")).thenComparingInt(Task::pid));
        return new TaskTable(List.copyOf(tasks), cpus, panicCpu(), totalRamPages().orElse(0L), pageSize,
                List.copyOf(skipped), gaps.build());
    }

    private Raw raw(long address) {
        return new Raw(address, ObjectBytes.read(mem, address, span));
    }

    private Task task(Raw r, Map<Long, Fact<Integer>> pidOf, Map<Long, Fact<Long>> rssByMm, boolean active,
            boolean idle) {
        Completeness.Builder c = new Completeness.Builder();
        ObjectBytes b = r.bytes();
        int pid = c.note("pid", b.s32(layout.pid())).orElse(-1);
        int tgid = c.note("tgid", b.s32(layout.tgid())).orElse(-1);
        Fact<Long> state = b.unsigned(layout.state(), layout.stateSize());
        Fact<Long> exit = b.u32(layout.exitState());
        TaskState st = c.note("state", state.flatMap(s -> exit.map(e -> new TaskState(s, e))))
                .orElse(TaskState.UNKNOWN);
        String comm = c.note("comm", b.cString(layout.comm(), layout.commSize())).orElse("");
        Fact<Integer> flags = b.s32(layout.flags());
        Fact<Long> mm = c.note("mm", b.u64(layout.mm()));
        int cpu = c.note("cpu", b.s32(layout.cpu())).orElse(-1);
        long stack = c.note("stack", b.u64(layout.stack())).orElse(0L);
        long sp = c.note("saved_sp", b.u64(layout.threadSp())).orElse(0L);
        // A kernel thread: pid 0 (idle), PF_KTHREAD, or no mm; decided by what could be read.
        boolean kthread = pid == 0 || (flags.orElse(0) & PF_KTHREAD) != 0 || mm.orElse(-1L) == 0;
        long vsz = 0;
        long rss = 0;
        if (mm.orElse(0L) != 0 && !kthread) {
            long m = mm.orElse(0L);
            vsz = c.note("vsz", Fact.read(() -> mem.u64(m + layout.mmTotalVm()) * (pageSize / 1024))).orElse(0L);
            Fact<Long> cached = rssByMm.getOrDefault(m, Fact.known(0L));
            rss = c.note("rss", Fact.readFact(() -> cached.map(d -> Math.max(0, mmRss(m) + d)))).orElse(0L);
        } else if (mm.why().isPresent()) {
            c.unknown("vsz", mm.why().get()).unknown("rss", mm.why().get());
        }
        int ppid;
        if (pid == 0) {
            ppid = 0;
        } else {
            Fact<Integer> p = b.u64(layout.realParent()).flatMap(parent -> parent == 0 ? Fact.known(0)
                    : pidOf.computeIfAbsent(parent, a -> Fact.read(() -> mem.s32(a + layout.pid()))));
            ppid = c.note("ppid", p).orElse(-1);
        }
        return new Task(r.address(), pid, tgid, ppid, cpu, st, comm, kthread, active, idle, stack, sp,
                mm.orElse(0L), vsz, rss, c.build());
    }

    /**
     * The bound of a list walk when the PID index cannot give one: the kernel's own thread count
     * ({@code nr_threads}, kernel/fork.c) where it is readable and plausible, else the most tasks
     * memory could hold (RAM over the size of a task_struct). A list longer than that is corrupt.
     */
    private long listLimit() {
        long ram = totalRamPages().orElse(FALLBACK_RAM / pageSize) * pageSize;
        long taskSize = btf.sizeOf("task_struct").orElse(1024);
        long memoryBound = Math.max(1024, ram / Math.max(taskSize, 64));
        var nrThreads = view.symbol("nr_threads");
        if (nrThreads.isPresent()) {
            long threads = Fact.read(() -> (long) mem.s32(nrThreads.getAsLong())).orElse(0L);
            if (threads > 0 && threads <= memoryBound) {
                return threads + SLACK;
            }
        }
        return memoryBound;
    }

    /**
     * A walk's entries to use. A whole walk is taken as it is; one that stopped at a loop or at the
     * bound may have run through foreign memory, so where the PID IDR could be read only the
     * entries it also knows are kept, and the gap says so.
     */
    private List<Long> trusted(String key, KernelLists.Walk walk, Set<Long> known, int indexed) {
        if (walk.gap().isEmpty()) {
            return walk.entries();
        }
        if (known.isEmpty()) {
            gaps.unknown(key, walk.gap().get());
            return walk.entries();
        }
        List<Long> kept = walk.entries().stream().filter(known::contains).toList();
        gaps.unknown(key, walk.gap().get() + "; bounded by the PID index's " + indexed + " tasks, "
                + (walk.entries().size() - kept.size()) + " entries it does not know were left out");
        return kept;
    }

    /** Threads of a group: {@code signal->thread_head} (3.14+), else the leader's {@code thread_group} ring. */
    private List<Long> threads(Raw leader, long limit, Set<Long> known, int indexed) {
        Fact<List<Long>> threads;
        if (layout.signalThreadHead() >= 0) {
            threads = leader.bytes().u64(layout.signal()).map(signal -> {
                KernelLists.Walk w = KernelLists.listHead(mem, signal + layout.signalThreadHead(), layout.threadNode(),
                        limit);
                return trusted("threads", w, known, indexed);
            });
        } else {
            KernelLists.Walk w = KernelLists.listHead(mem, leader.address() + layout.threadGroup(),
                    layout.threadGroup(), limit);
            List<Long> out = new ArrayList<>(trusted("threads", w, known, indexed));
            out.add(0, leader.address());
            threads = Fact.known(out);
        }
        return gaps.note("threads", threads).orElse(List.of(leader.address()));
    }

    /**
     * Up to 6.1 each thread caches recent rss changes in {@code task_struct.rss_stat}
     * (SPLIT_RSS_COUNTING) until it syncs them into the mm; crash adds them up per mm. An mm
     * any of whose threads' caches cannot be read has an unknown rss.
     */
    private Map<Long, Fact<Long>> rssCache(Iterable<Raw> raws) {
        Map<Long, Fact<Long>> out = new HashMap<>();
        var rss = layout.rss();
        if (rss.taskRssStat().isEmpty()) {
            return out;
        }
        for (Raw r : raws) {
            long mm = r.bytes().u64(layout.mm()).orElse(0L);
            if (mm == 0) {
                continue;
            }
            Fact<Long> sum = Fact.known(0L);
            for (int i : counters()) {
                long at = rss.taskRssStat().getAsLong() + rss.taskRssCountSize() * i;
                Fact<Long> v = rss.taskRssCountSize() == 8 ? r.bytes().u64(at)
                        : r.bytes().s32(at).map(Integer::longValue);
                sum = sum.flatMap(s -> v.map(x -> s + x));
            }
            Fact<Long> add = sum;
            out.merge(mm, add, (a, b) -> a.flatMap(x -> b.map(y -> x + y)));
        }
        return out;
    }

    /** crash's RSS: file and anon pages (not shmem, which crash 8.0.2 leaves out). */
    private int[] counters() {
        return new int[] {layout.rss().file(), layout.rss().anon()};
    }

    /** Resident pages counted in the mm: atomic_long_t array, or percpu_counters summed over the CPUs. */
    private long mmRss(long mm) {
        var rss = layout.rss();
        long base = mm + layout.mmRssStat();
        long sum = 0;
        for (int i : counters()) {
            long counter = base + i * rss.elementSize();
            if (!rss.percpu()) {
                sum += mem.u64(counter);
                continue;
            }
            sum += mem.u64(counter + rss.percpuCount());
            long pcp = mem.u64(counter + rss.percpuCounters());
            PerCpu p = percpu.orElseThrow();
            for (int cpu = p.possible().nextSetBit(0); cpu >= 0; cpu = p.possible().nextSetBit(cpu + 1)) {
                sum += mem.s32(p.address(pcp, cpu));
            }
        }
        return sum;
    }

    private List<CpuTasks> cpus() {
        if (percpu instanceof Fact.Unknown<PerCpu>) {
            return List.of();
        }
        PerCpu p = percpu.orElseThrow();
        long rq = view.requireSymbol("runqueues");
        long rqCurr = btf.field("rq.curr").offset();
        long rqIdle = btf.field("rq.idle").offset();
        long current = currentTaskSymbol();
        List<CpuTasks> out = new ArrayList<>();
        for (int cpu = 0; cpu < p.nrCpuIds(); cpu++) {
            if (!p.possible().get(cpu)) {
                continue;
            }
            long r = p.address(rq, cpu);
            String key = "cpu." + cpu;
            long cur = current == 0 ? 0 : pointer(key, p.address(current, cpu));
            out.add(new CpuTasks(cpu, p.online().get(cpu), cur, pointer(key, r + rqCurr), pointer(key, r + rqIdle)));
        }
        return out;
    }

    /** A pointer read for the table, 0 (with the reason noted under {@code key}) when its page is missing. */
    private long pointer(String key, long vaddr) {
        return gaps.note(key, Fact.read(() -> mem.u64(vaddr))).orElse(0L);
    }

    /**
     * The per-CPU address of "current": {@code pcpu_hot.current_task} (6.2 to 6.14) or the
     * {@code current_task} variable (before and after), whichever BTF declares.
     */
    private long currentTaskSymbol() {
        if (btf.findVar("pcpu_hot").isPresent() && view.symbol("pcpu_hot").isPresent()) {
            BtfType.Var v = btf.findVar("pcpu_hot").get();
            return view.requireSymbol("pcpu_hot") + btf.member(v.type(), "pcpu_hot", "current_task").offset();
        }
        return view.symbol("current_task").orElse(0);
    }

    /** {@code panic_cpu} holds the CPU that entered panic(), or -1 (PANIC_CPU_INVALID). */
    private OptionalInt panicCpu() {
        Fact<Integer> cpu = gaps.note("panic_cpu", Fact.read(() -> mem.s32(view.requireSymbol("panic_cpu"))));
        return cpu.orElse(-1) >= 0 ? OptionalInt.of(cpu.orElse(-1)) : OptionalInt.empty();
    }

    private Fact<Long> totalRamPages() {
        String sym = view.symbol("_totalram_pages").isPresent() ? "_totalram_pages" : "totalram_pages";
        return gaps.note("totalram_pages", Fact.read(() -> mem.u64(view.requireSymbol(sym))));
    }
}
