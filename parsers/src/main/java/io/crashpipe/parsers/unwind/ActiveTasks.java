package io.crashpipe.parsers.unwind;

import java.util.Optional;

/**
 * Which task ran on each CPU at the crash. The backtrace code only needs this; the task-table
 * code (with BTF) can provide a better implementation than {@link PerCpuCurrentTask}.
 */
@FunctionalInterface
public interface ActiveTasks {
    Optional<TaskRef> onCpu(int cpu);
}
