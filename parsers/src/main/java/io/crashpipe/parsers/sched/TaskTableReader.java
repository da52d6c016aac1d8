package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfType;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * each group, each CPU's idle task, and whatever else the PID IDR knows ({@link PidIndex}), with layouts from BTF and per-CPU data through
 * {@code __per_cpu_offset}.
 */
public final class TaskTableReader {
    /** Bounds list walks so that a corrupt (cyclic) list cannot loop forever. */
    private static final int MAX_TASKS = 4 << 20;
    /** {@code PF_KTHREAD}, unchanged since 2.6.27; a define, so not in BTF. */
    private static final int PF_KTHREAD = 0x00200000;

    private final KernelView view;
    private final KernelMemory mem;
    private final Btf btf;
    private final TaskLayout layout;
    private final PerCpu percpu;
    private final int span;
    private final int pageSize;

    private TaskTableReader(KernelView view, Btf btf) {
        this.view = view;
        this.mem = view.memory();
        this.btf = btf;
        this.layout = TaskLayout.of(btf);
        this.percpu = PerCpu.read(view);
        this.pageSize = (int) view.vmcoreinfo().pageSize().orElse(4096);
        long max = 0;
        for (long o : new long[] {layout.tasks(), layout.pid(), layout.tgid(), layout.realParent(), layout.comm()
                + layout.commSize(), layout.state(), layout.exitState(), layout.flags(), layout.mm(), layout.cpu(),
                layout.onCpu(), layout.stack(), layout.threadSp(), layout.signal(), layout.threadNode(),
                layout.threadGroup(), layout.rss().taskRssStat().orElse(0) + 4 * 8}) {
            max = Math.max(max, o);
        }
        this.span = (int) max + 16;
    }

    public static TaskTable read(KernelView view, Btf btf) {
        return new TaskTableReader(view, btf).read();
    }

    private record Raw(long address, int pid, int tgid, long realParent, int cpu, TaskState state, String comm,
            int flags, long mm, long stack, long sp, long signal, long threadNode, long threadGroup, long taskRss) {}

    private TaskTable read() {
        List<CpuTasks> cpus = cpus();
        Set<Long> running = new HashSet<>();
        // A panicking kernel stops the other CPUs (offline), but what they ran is still "active".
        for (CpuTasks c : cpus) {
            running.add(c.running());
        }
        List<Long> skipped = new ArrayList<>();
        Map<Long, Raw> raws = new LinkedHashMap<>();
        Map<Long, Boolean> idle = new HashMap<>();
        for (CpuTasks c : cpus) {
            if (c.rqIdle() != 0) {
                readInto(c.rqIdle(), raws, skipped);
                idle.put(c.rqIdle(), true);
            }
        }
        long init = view.requireSymbol("init_task");
        for (long leader : listEntries(init + layout.tasks(), layout.tasks())) {
            if (leader == init) {
                continue;
            }
            Raw r = readInto(leader, raws, skipped);
            if (r == null) {
                continue;
            }
            for (long thread : threads(r)) {
                if (!raws.containsKey(thread)) {
                    readInto(thread, raws, skipped);
                }
            }
        }
        // The PID IDR finds tasks the lists lost at a missing page.
        for (long task : PidIndex.tasks(view, btf)) {
            if (!raws.containsKey(task) && !skipped.contains(task)) {
                readInto(task, raws, skipped);
            }
        }
        Map<Long, Long> rssByMm = rssCache(raws.values());
        Map<Long, Integer> pidOf = new HashMap<>();
        raws.values().forEach(r -> pidOf.put(r.address(), r.pid()));
        pidOf.putIfAbsent(init, 0);
        List<Task> tasks = new ArrayList<>();
        for (Raw r : raws.values()) {
            boolean kthread = r.pid() == 0 || (r.flags() & PF_KTHREAD) != 0 || r.mm() == 0;
            long vsz = 0;
            long rss = 0;
            if (r.mm() != 0 && !kthread) {
                vsz = mem.u64(r.mm() + layout.mmTotalVm()) * (pageSize / 1024);
                rss = Math.max(0, mmRss(r.mm()) + rssByMm.getOrDefault(r.mm(), 0L));
            }
            int ppid = r.realParent() == 0 ? 0 : pidOf.computeIfAbsent(r.realParent(), this::pidAt);
            if (r.pid() == 0) {
                ppid = 0;
            }
            tasks.add(new Task(r.address(), r.pid(), r.tgid(), ppid, r.cpu(), r.state(), r.comm(), kthread,
                    running.contains(r.address()), idle.containsKey(r.address()), r.stack(), r.sp(), r.mm(), vsz,
                    rss));
        }
        // crash lists by pid; the idle tasks (all pid 0) by CPU, which is the order they were read in.
        tasks.sort(Comparator.comparingInt(Task::pid));
        return new TaskTable(List.copyOf(tasks), cpus, panicCpu(), totalRamPages(), pageSize, List.copyOf(skipped));
    }

    private Raw readInto(long address, Map<Long, Raw> raws, List<Long> skipped) {
        try {
            Raw r = raw(address);
            raws.put(address, r);
            return r;
        } catch (MemoryFault e) {
            if (!skipped.contains(address)) {
                skipped.add(address);
            }
            return null;
        }
    }

    private Raw raw(long t) {
        ByteBuffer b = mem.buffer(t, span);
        long state = layout.stateSize() == 8 ? b.getLong((int) layout.state())
                : Integer.toUnsignedLong(b.getInt((int) layout.state()));
        long exit = Integer.toUnsignedLong(b.getInt((int) layout.exitState()));
        byte[] comm = new byte[layout.commSize()];
        b.get((int) layout.comm(), comm);
        int n = 0;
        while (n < comm.length && comm[n] != 0) {
            n++;
        }
        var rss = layout.rss();
        return new Raw(t, b.getInt((int) layout.pid()), b.getInt((int) layout.tgid()),
                b.getLong((int) layout.realParent()), b.getInt((int) layout.cpu()), new TaskState(state, exit),
                new String(comm, 0, n, StandardCharsets.UTF_8), b.getInt((int) layout.flags()),
                b.getLong((int) layout.mm()), b.getLong((int) layout.stack()), b.getLong((int) layout.threadSp()),
                b.getLong((int) layout.signal()),
                layout.threadNode() < 0 ? 0 : t + layout.threadNode(),
                layout.threadGroup() < 0 ? 0 : t + layout.threadGroup(),
                rss.taskRssStat().isPresent() ? t + rss.taskRssStat().getAsLong() : 0);
    }

    private int pidAt(long task) {
        try {
            return mem.s32(task + layout.pid());
        } catch (MemoryFault e) {
            return 0;
        }
    }

    /** Threads of a group: {@code signal->thread_head} (3.14+), else the leader's {@code thread_group} ring. */
    private List<Long> threads(Raw leader) {
        try {
            if (layout.signalThreadHead() >= 0) {
                return listEntries(leader.signal() + layout.signalThreadHead(), layout.threadNode());
            }
            List<Long> out = new ArrayList<>(listEntries(leader.threadGroup(), layout.threadGroup()));
            out.add(0, leader.address());
            return out;
        } catch (MemoryFault e) {
            return List.of(leader.address());
        }
    }

    /**
     * Entries of the circular list headed at {@code head}, as container addresses ({@code node - offset}).
     * When a node's page is missing (filtered out, or not arrived yet) the forward walk stops
     * there and the rest is recovered walking backwards from the head along {@code prev}.
     */
    private List<Long> listEntries(long head, long offset) {
        List<Long> forward = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long node = mem.u64(head);
        boolean broken = false;
        while (node != head && node != 0) {
            checkBound(head, forward.size());
            forward.add(node - offset);
            seen.add(node);
            try {
                node = mem.u64(node);
            } catch (MemoryFault e) {
                broken = true;
                break;
            }
        }
        if (!broken) {
            return forward;
        }
        List<Long> backward = new ArrayList<>();
        try {
            for (long prev = mem.u64(head + 8); prev != head && prev != 0 && !seen.contains(prev);
                    prev = mem.u64(prev + 8)) {
                checkBound(head, forward.size() + backward.size());
                backward.add(prev - offset);
            }
        } catch (MemoryFault e) {
            // Both directions stop at missing pages: the tasks between them cannot be found.
        }
        for (int i = backward.size() - 1; i >= 0; i--) {
            forward.add(backward.get(i));
        }
        return forward;
    }

    private static void checkBound(long head, int size) {
        if (size >= MAX_TASKS) {
            throw new IllegalStateException("list at 0x" + Long.toHexString(head) + " has more than " + MAX_TASKS
                    + " entries: corrupt or cyclic");
        }
    }

    /**
     * Up to 6.1 each thread caches recent rss changes in {@code task_struct.rss_stat}
     * (SPLIT_RSS_COUNTING) until it syncs them into the mm; crash adds them up per mm.
     */
    private Map<Long, Long> rssCache(Iterable<Raw> raws) {
        Map<Long, Long> out = new HashMap<>();
        var rss = layout.rss();
        if (rss.taskRssStat().isEmpty()) {
            return out;
        }
        for (Raw r : raws) {
            if (r.mm() == 0) {
                continue;
            }
            long sum = 0;
            for (int i : counters()) {
                sum += rss.taskRssCountSize() == 8 ? mem.u64(r.taskRss() + 8L * i) : mem.s32(r.taskRss() + 4L * i);
            }
            out.merge(r.mm(), sum, Long::sum);
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
            for (int cpu = percpu.possible().nextSetBit(0); cpu >= 0; cpu = percpu.possible().nextSetBit(cpu + 1)) {
                sum += mem.s32(percpu.address(pcp, cpu));
            }
        }
        return sum;
    }

    private List<CpuTasks> cpus() {
        long rq = view.requireSymbol("runqueues");
        long rqCurr = btf.field("rq.curr").offset();
        long rqIdle = btf.field("rq.idle").offset();
        long current = currentTaskSymbol();
        List<CpuTasks> out = new ArrayList<>();
        for (int cpu = 0; cpu < percpu.nrCpuIds(); cpu++) {
            if (!percpu.possible().get(cpu)) {
                continue;
            }
            long r = percpu.address(rq, cpu);
            out.add(new CpuTasks(cpu, percpu.online().get(cpu), current == 0 ? 0 : u64OrZero(percpu.address(current, cpu)),
                    u64OrZero(r + rqCurr), u64OrZero(r + rqIdle)));
        }
        return out;
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

    private long u64OrZero(long vaddr) {
        try {
            return mem.u64(vaddr);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    /** {@code panic_cpu} holds the CPU that entered panic(), or -1 (PANIC_CPU_INVALID). */
    private OptionalInt panicCpu() {
        return view.symbol("panic_cpu").isPresent() && mem.s32(view.requireSymbol("panic_cpu")) >= 0
                ? OptionalInt.of(mem.s32(view.requireSymbol("panic_cpu"))) : OptionalInt.empty();
    }

    private long totalRamPages() {
        var sym = view.symbol("_totalram_pages").isPresent() ? view.symbol("_totalram_pages") : view.symbol("totalram_pages");
        return sym.isPresent() ? mem.u64(sym.getAsLong()) : 0;
    }
}
