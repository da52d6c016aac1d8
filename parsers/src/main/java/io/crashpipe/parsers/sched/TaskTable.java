package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.memory.Completeness;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every task of the dump in crash's {@code ps} order (pid, then CPU for the idle tasks), with
 * what each CPU was running and which CPU panicked.
 *
 * @param totalRamPages {@code _totalram_pages}, the base of {@code %MEM}
 * @param pageSize bytes per page
 * @param skipped task addresses the kernel links to whose {@code task_struct} is not in the dump at
 *     all (they are rows all the same, with every field but the address unknown)
 * @param completeness what the table as a whole may lack, with reasons: a broken task list
 *     ({@code tasks}), an unreadable CPU ({@code cpu.N}), {@code panic_cpu}, {@code totalram_pages}
 */
public record TaskTable(List<Task> tasks, List<CpuTasks> cpus, OptionalInt panicCpu, long totalRamPages,
        int pageSize, List<Long> skipped, Completeness completeness) {

    /**
     * Why the number of tasks is not known, when it is not: the list of thread groups could not be
     * walked whole and the PID index could not make up for it. Either one whole is enough (a thread
     * list cut at a filtered page loses no task the other paths reach, as the fixtures show).
     */
    public Optional<String> countGap() {
        var unknown = completeness.unknown();
        if (unknown.containsKey("tasks") && unknown.containsKey("pid_index")) {
            return Optional.of(unknown.get("tasks"));
        }
        return Optional.empty();
    }

    public Optional<Task> byAddress(long address) {
        return tasks.stream().filter(t -> t.address() == address).findFirst();
    }

    /** The task the table marks as running on {@code cpu} (crash's {@code >}), for the unwinder. */
    public Optional<TaskRef> runningOn(int cpu) {
        return active().stream().filter(t -> t.cpu() == cpu).findFirst().map(Task::ref);
    }

    public Optional<Task> byPid(int pid) {
        return tasks.stream().filter(t -> t.pid() == pid && !t.idle()).findFirst()
                .or(() -> tasks.stream().filter(t -> t.pid() == pid).findFirst());
    }

    /** The task running on the CPU that called panic(), when the kernel recorded one. */
    public Optional<Task> panicTask() {
        if (panicCpu.isEmpty()) {
            return Optional.empty();
        }
        return cpus.stream().filter(c -> c.cpu() == panicCpu.getAsInt()).findFirst()
                .flatMap(c -> byAddress(c.running()));
    }

    public List<Task> active() {
        return tasks.stream().filter(Task::active).toList();
    }

    /** Share of RAM resident, in percent, as crash's %MEM. */
    public double memPercent(Task t) {
        return totalRamPages == 0 ? 0 : t.rssPages() * 100.0 / totalRamPages;
    }
}
