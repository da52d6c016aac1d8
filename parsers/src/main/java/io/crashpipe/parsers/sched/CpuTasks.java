package io.crashpipe.parsers.sched;

/**
 * What one CPU was doing at the crash.
 *
 * @param current the CPU's {@code current_task} (per-CPU variable or {@code pcpu_hot.current_task}),
 *     what crash marks active; 0 when unreadable
 * @param rqCurr {@code runqueues.curr}
 * @param rqIdle {@code runqueues.idle}, the CPU's idle task
 */
public record CpuTasks(int cpu, boolean online, long current, long rqCurr, long rqIdle) {

    /** The task this CPU was running: {@code current_task}, else the runqueue's idea of it. */
    public long running() {
        return current != 0 ? current : rqCurr;
    }
}
