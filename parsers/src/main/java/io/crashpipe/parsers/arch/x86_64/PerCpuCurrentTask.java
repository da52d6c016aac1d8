package io.crashpipe.parsers.arch.x86_64;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.unwind.ActiveTasks;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.TaskRef;
import java.util.Optional;
import java.util.OptionalInt;
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
        OptionalLong init = symbols.address("init_task");
        Optional<InitTaskLayout> found;
        try {
            found = init.isPresent() ? InitTaskLayout.find(percpu.memory(), init.getAsLong()) : Optional.empty();
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            found = Optional.empty();
        }
        this.layout = found;
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
        OptionalInt pid = OptionalInt.empty();
        Optional<String> comm = Optional.empty();
        if (layout.isPresent()) {
            try {
                pid = OptionalInt.of(percpu.memory().s32(task + layout.get().pidOffset()));
                comm = Optional.of(percpu.memory().cString(task + layout.get().commOffset(), InitTaskLayout.COMM_LEN));
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
                // The task_struct page is missing: report the address alone.
            }
        }
        return Optional.of(new TaskRef(cpu, task, pid, comm));
    }
}
