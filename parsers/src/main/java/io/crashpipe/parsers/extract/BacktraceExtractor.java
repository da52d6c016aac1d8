package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.BacktraceReader;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * crash's {@code bt -a} plus {@code foreach UN bt}: the trace of every CPU's running task (the
 * panic task among them) and of every task in uninterruptible sleep, which is what hung-task
 * triage reads. Running tasks start from their CPU's register note; blocked ones from the frame
 * their last context switch saved (the task table gives {@code thread.sp}, so those need BTF).
 *
 * <p>A page that has not arrived yet stops the section (the pass waits for it); a page absent for
 * good loses only the trace that needed it, named in {@link BacktraceSection#gaps()}.
 *
 * @param maxBlocked blocked-task traces per report at most (a host with thousands of D-state tasks
 *     must still give one bounded report); the rest are counted in {@code blockedOmitted}
 */
public record BacktraceExtractor(int maxBlocked) implements Extractor<BacktraceSection> {
    public static final int DEFAULT_MAX_BLOCKED = 100;
    public static final BacktraceExtractor DEFAULT = new BacktraceExtractor(DEFAULT_MAX_BLOCKED);
    /** crash's state code of a task in uninterruptible sleep ({@code TASK_UNINTERRUPTIBLE} without NOLOAD). */
    private static final String UNINTERRUPTIBLE = "UN";
    private static final String BLOCKED = "blocked tasks";

    public BacktraceExtractor {
        if (maxBlocked < 0) {
            throw new IllegalArgumentException("maxBlocked must be >= 0, was " + maxBlocked);
        }
    }

    @Override
    public String section() {
        return "bt";
    }

    @Override
    public BacktraceSection extract(Extraction x) {
        KernelView view = x.view();
        if (view.cpuNotes().isEmpty()) {
            throw new IllegalStateException("the dump has no CPU register notes (NT_PRSTATUS), where backtraces start");
        }
        List<BacktraceSection.Gap> gaps = new ArrayList<>();
        Optional<TaskTable> table = orGap(() -> x.require(TaskTableExtractor.INSTANCE), BLOCKED, gaps)
                .flatMap(t -> t);
        BacktraceReader own = BacktraceReader.withoutBtf(view, view.cpuNotes());
        BacktraceReader reader = table.map(t -> own.namingTasksWith(t::runningOn)).orElse(own);
        List<Backtrace> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < reader.cpus(); cpu++) {
            int c = cpu;
            orGap(() -> reader.forCpu(c), "CPU " + cpu, gaps).ifPresent(cpus::add);
        }
        OptionalInt panicCpu = orGap(reader::panicCpu, "panic_cpu", gaps).orElse(OptionalInt.empty());

        List<Backtrace> blocked = new ArrayList<>();
        int omitted = 0;
        if (table.isEmpty() && gaps.stream().noneMatch(g -> g.subject().equals(BLOCKED))) {
            gaps.add(new BacktraceSection.Gap(BLOCKED, "no task table (the kernel has no BTF)"));
        }
        if (panicCpu.isEmpty() && table.isPresent()) {
            panicCpu = panicCpuFromLog(x, table.get());
            if (panicCpu.isPresent()) { // found after all: the panic trace is there, nothing is missing
                gaps.removeIf(g -> g.subject().equals("panic_cpu"));
            }
        }
        for (Task t : table.map(TaskTable::tasks).orElse(List.of())) {
            if (t.active() || !UNINTERRUPTIBLE.equals(t.state().crashCode())) {
                continue;
            }
            if (blocked.size() >= maxBlocked) {
                omitted++;
                continue;
            }
            TaskRef ref = t.ref();
            orGap(() -> reader.forBlockedTask(ref, t.savedSp()), "PID " + t.pid(), gaps).ifPresent(blocked::add);
        }
        return new BacktraceSection(panicCpu, cpus, blocked, omitted, gaps);
    }

    /**
     * Where panic_cpu cannot be read (arm64's text-only kallsyms), the CPU of the task that printed
     * the panic line, as sys names it ({@link SysTasks#of(TaskTable, Optional)}).
     */
    private static OptionalInt panicCpuFromLog(Extraction x, TaskTable table) {
        Optional<KernelLog> log = orGap(() -> x.require(KernelLogExtractor.INSTANCE), "kernel log", new ArrayList<>());
        return SysTasks.of(table, log).panicTask().filter(Task::active).map(t -> OptionalInt.of(t.cpu()))
                .orElse(OptionalInt.empty());
    }

    /**
     * The value, or empty with a gap recorded when the dump cannot give it. A page that has not
     * arrived yet is not a gap: it propagates so that the pass waits.
     */
    private static <T> Optional<T> orGap(Supplier<T> read, String what, List<BacktraceSection.Gap> gaps) {
        try {
            return Optional.of(read.get());
        } catch (MemoryFault f) {
            MemoryFault.propagateIfWaiting(f);
            gaps.add(new BacktraceSection.Gap(what, f.unavailable().describe()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            gaps.add(new BacktraceSection.Gap(what, e.getMessage()));
        } catch (java.io.UncheckedIOException e) { // damaged BTF: the running CPUs' traces do not need it
            gaps.add(new BacktraceSection.Gap(what, e.getCause().getMessage()));
        }
        return Optional.empty();
    }
}
