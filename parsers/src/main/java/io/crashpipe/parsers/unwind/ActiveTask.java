package io.crashpipe.parsers.unwind;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The task that was running on a CPU: its {@code task_struct} address, and its pid and command
 * when the {@link ActiveTasks} implementation could read them.
 */
public record ActiveTask(int cpu, long task, OptionalInt pid, Optional<String> comm) {}
