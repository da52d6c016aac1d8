package io.crashpipe.parsers.sys;

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
