package io.crashpipe.parsers.unwind;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A task as a backtrace names it: its {@code task_struct} address, the CPU it runs (or last ran)
 * on, and its pid and command when they could be read.
 */
public record TaskRef(int cpu, long task, OptionalInt pid, Optional<String> comm) {}
