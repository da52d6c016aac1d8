package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.unwind.TaskRef;
import java.util.Optional;
import java.util.OptionalInt;
import io.crashpipe.parsers.memory.Completeness;

/**
 * One task (thread) of the dump's task table.
 *
 * @param address the {@code task_struct}'s kernel address
 * @param ppid pid of {@code real_parent} (0 for init and the idle tasks)
 * @param cpu the CPU the task last ran on
 * @param kernelThread no user address space: crash prints these in brackets
 * @param active running on a CPU at the crash (crash's {@code >} marker)
 * @param idle a per-CPU idle task ({@code swapper/N}), not on the task list
 * @param stack base of the task's kernel stack ({@code task_struct.stack})
 * @param savedSp the stack pointer saved at its last context switch ({@code thread.sp}); for an
 *     active task the CPU's registers are the truth instead
 * @param mm the {@code mm_struct} address, 0 for kernel threads
 * @param vszKb virtual size in KiB ({@code mm->total_vm} pages)
 * @param rssPages resident pages as crash counts them (file + anon counters)
 * @param completeness the fields the dump could not give (a missing page of the task, its mm or
 *     its parent), each with its reason; those fields hold -1 (numbers), "" (comm) or 0
 *     (addresses, sizes) and must not be taken at face value
 */
public record Task(
        long address,
        int pid,
        int tgid,
        int ppid,
        int cpu,
        TaskState state,
        String comm,
        boolean kernelThread,
        boolean active,
        boolean idle,
        long stack,
        long savedSp,
        long mm,
        long vszKb,
        long rssPages,
        Completeness completeness) {

    /** The row could not be read in full (crash's ps shows such rows; see {@link #completeness()}). */
    public boolean incomplete() {
        return !completeness.isComplete();
    }

    /** This task as the unwinder names it. */
    public TaskRef ref() {
        return new TaskRef(cpu, address, OptionalInt.of(pid), Optional.of(comm));
    }

    /** The comm as crash shows it: kernel threads in brackets. */
    public String displayComm() {
        return kernelThread ? "[" + comm + "]" : comm;
    }

    public String addressHex() {
        return Long.toHexString(address);
    }
}
