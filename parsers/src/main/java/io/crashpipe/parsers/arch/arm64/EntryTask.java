package io.crashpipe.parsers.arch.arm64;

import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.unwind.ActiveTasks;
import io.crashpipe.parsers.unwind.InitTaskLayout;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.TaskRef;
import java.util.Optional;

/**
 * The running task of each CPU on arm64, from kallsyms alone. arm64 keeps {@code current} in the
 * system register sp_el0, which no dump records; what memory holds is per-CPU
 * {@code __entry_task}, which {@code __switch_to()} sets to the incoming task on every context
 * switch (arch/arm64/kernel/process.c, since Linux 4.10's THREAD_INFO_IN_TASK), so it is the task
 * each CPU was running when it stopped.
 */
final class EntryTask implements ActiveTasks {
    private final Optional<PerCpuSymbols> percpu;
    private final Optional<InitTaskLayout> layout;

    /**
     * Kernels built without CONFIG_KALLSYMS_ALL (Debian's arm64 kernels among them) have no data
     * symbols in kallsyms: neither {@code __per_cpu_offset} nor {@code __entry_task}; the tasks are
     * then unknown here and the task table (BTF) names them instead.
     */
    EntryTask(UnwindContext context) {
        this.percpu = context.kallsyms().address("__per_cpu_offset").isPresent()
                && context.kallsyms().address("__entry_task").isPresent()
                ? Optional.of(PerCpuSymbols.of(context.kallsyms(), context.memory())) : Optional.empty();
        this.layout = InitTaskLayout.locate(context.kallsyms(), context.memory());
    }

    @Override
    public Optional<TaskRef> onCpu(int cpu) {
        if (percpu.isEmpty()) {
            return Optional.empty();
        }
        VirtualMemory memory = percpu.get().memory();
        long task = memory.u64(percpu.get().address("__entry_task", cpu).getAsLong());
        if (task == 0) {
            return Optional.empty();
        }
        return Optional.of(InitTaskLayout.describe(layout, memory, cpu, task));
    }
}
