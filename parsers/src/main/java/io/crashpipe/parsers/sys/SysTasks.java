package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import java.util.Optional;

/**
 * The task facts of crash's {@code sys}: how many tasks (threads and per-CPU idle tasks) and
 * the task that panicked.
 *
 * @param countGap why {@code count} is not the kernel's number of tasks (the lists and the PID index
 *     were both damaged or missing pages), empty when it is
 * @param noPanicTask when {@code panicTask} is empty, why (no panic in progress, or what could not be read)
 */
public record SysTasks(int count, Optional<String> countGap, Optional<Task> panicTask, String noPanicTask) {

    public static SysTasks of(TaskTable table) {
        return new SysTasks(table.tasks().size(), table.countGap(), table.panicTask(), noPanicTask(table));
    }

    /**
     * As {@link #of(TaskTable)}, and where {@code panic_cpu} cannot be read (a kallsyms without data
     * symbols), the task that printed the panic line: every record of the lockless ring (5.10+)
     * carries its caller, {@code T<pid>} in task context, {@code C<cpu>} otherwise.
     */
    public static SysTasks of(TaskTable table, Optional<KernelLog> log) {
        Optional<Task> panic = table.panicTask();
        if (panic.isEmpty() && log.isPresent()) {
            panic = log.get().records().stream()
                    .filter(r -> r.textString().contains(PANIC_LINE))
                    .reduce((first, later) -> later) // the last panic printed is the one that stopped the kernel
                    .flatMap(LogRecord::caller)
                    .flatMap(caller -> caller.startsWith("T")
                            ? table.byPid(Integer.parseInt(caller.substring(1)))
                            : table.cpus().stream().filter(c -> c.cpu() == Integer.parseInt(caller.substring(1)))
                                    .findFirst().flatMap(c -> table.byAddress(c.running())));
        }
        return new SysTasks(table.tasks().size(), table.countGap(), panic, noPanicTask(table));
    }

    private static final String PANIC_LINE = "Kernel panic - not syncing";

    /** Why the table names no panic task: panic_cpu unset, unreadable, or its CPU's task unreadable. */
    private static String noPanicTask(TaskTable table) {
        var unknown = table.completeness().unknown();
        if (table.panicCpu().isPresent()) {
            int cpu = table.panicCpu().getAsInt();
            return "unknown: the task running on CPU " + cpu + " could not be read"
                    + Optional.ofNullable(unknown.get("cpu." + cpu)).map(r -> " (" + r + ")").orElse("");
        }
        if (unknown.containsKey("panic_cpu")) {
            return "unknown: panic_cpu: " + unknown.get("panic_cpu");
        }
        return "no panic task: panic_cpu is not set";
    }

    /** crash's verbose state name for the STATE line. */
    static String stateName(Task t) {
        return switch (t.state().crashCode()) {
            case "RU" -> "TASK_RUNNING";
            case "IN" -> "TASK_INTERRUPTIBLE";
            case "UN" -> "TASK_UNINTERRUPTIBLE";
            case "ID" -> "TASK_IDLE";
            case "ST" -> "TASK_STOPPED";
            case "TR" -> "TASK_TRACED";
            case "ZO" -> "EXIT_ZOMBIE";
            case "DE" -> "EXIT_DEAD";
            case "PA" -> "TASK_PARKED";
            case "WA" -> "TASK_WAKING";
            case "NE" -> "TASK_NEW";
            default -> "(unknown)";
        };
    }
}
