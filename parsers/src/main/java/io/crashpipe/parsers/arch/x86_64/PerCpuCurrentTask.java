package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.unwind.ActiveTasks;
import io.crashpipe.parsers.unwind.InitTaskLayout;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.TaskRef;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The running task of each CPU from kallsyms alone: per-CPU {@code current_task} (before 6.2),
 * else the first member of per-CPU {@code pcpu_hot}, which is {@code current_task} in every
 * kernel that has it. Pid and comm come from {@link InitTaskLayout}'s offsets (no BTF used).
 */
public final class PerCpuCurrentTask implements ActiveTasks {
    private final PerCpuSymbols percpu;
    private final Optional<InitTaskLayout> layout;

    public PerCpuCurrentTask(PerCpuSymbols percpu, Kallsyms symbols) {
        this.percpu = percpu;
        this.layout = InitTaskLayout.locate(symbols, percpu.memory());
    }

    @Override
    public Optional<TaskRef> onCpu(int cpu) {
        OptionalLong slot = percpu.address("current_task", cpu);
        if (slot.isEmpty()) {
            slot = percpu.address("pcpu_hot", cpu);
        }
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        long task = percpu.memory().u64(slot.getAsLong());
        if (task == 0) {
            return Optional.empty();
        }
        return Optional.of(InitTaskLayout.describe(layout, percpu.memory(), cpu, task));
    }
}
