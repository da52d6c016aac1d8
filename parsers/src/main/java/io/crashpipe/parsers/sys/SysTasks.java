package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import java.util.Optional;

/**
 * The task facts of crash's {@code sys}: how many tasks (threads and per-CPU idle tasks) and
 * the task that panicked.
 */
public record SysTasks(int count, Optional<Task> panicTask) {

    public static SysTasks of(TaskTable table) {
        return new SysTasks(table.tasks().size(), table.panicTask());
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
        return new SysTasks(table.tasks().size(), panic);
    }

    private static final String PANIC_LINE = "Kernel panic - not syncing";

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
