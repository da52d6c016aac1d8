package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.TaskRef;
import java.util.Optional;

/**
 * An architecture's unwinding entry points (drgn's platform has the same two): a CPU that was
 * running, from the registers of its note, and a task that was switched out, from what the
 * context switch saved.
 */
public interface KernelUnwinder {

    /** The trace of the task running on {@code cpu}, from {@code regs} (its CPU note). */
    Backtrace running(int cpu, Optional<TaskRef> task, Registers regs);

    /**
     * The trace of a task that is not running. {@code savedSp} is its saved kernel stack pointer
     * ({@code task_struct.thread.sp} on x86_64, {@code thread.cpu_context.sp} on arm64; BTF gives
     * the offset).
     */
    Backtrace blocked(TaskRef task, long savedSp);

    /** What unwind data was found, for {@code info} and messages (e.g. "ORC v4, 52412 entries"). */
    String describe();
}
