package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.arch.Architecture;
import io.crashpipe.parsers.arch.KernelUnwinder;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.arch.x86_64.X86_64;
import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.view.DumpMemo;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Backtraces of the tasks running on each CPU, from the dump's CPU register notes, and of
 * blocked tasks; the unwinding itself is the architecture's ({@link KernelUnwinder}).
 *
 * <p>Notes are matched to CPUs by their order: a genuine kdump writes one per CPU in CPU order
 * with the running task's real PID, QEMU writes one per vCPU with vCPU index + 1 as "PID"; the
 * order is right in both, the PID only in the first.
 */
public final class BacktraceReader {
    /** Per dump and BTF (the dump's own, or none). */
    private static final DumpMemo.Key<BacktraceReader> READER = DumpMemo.Key.of("backtrace reader");
    private final Architecture arch;
    private final VirtualMemory memory;
    private final Kallsyms symbols;
    private final KernelUnwinder unwinder;
    private final ActiveTasks tasks;
    private final List<CpuRegisters> notes;
    private final UnwindContext context;

    public BacktraceReader(Architecture arch, UnwindContext context, List<CpuRegisters> notes, ActiveTasks tasks) {
        this(arch, context, notes, tasks, arch.unwinder(context));
    }

    private BacktraceReader(Architecture arch, UnwindContext context, List<CpuRegisters> notes, ActiveTasks tasks,
            KernelUnwinder unwinder) {
        this.arch = arch;
        this.memory = context.memory();
        this.symbols = context.kallsyms();
        this.unwinder = unwinder;
        this.tasks = tasks;
        this.notes = List.copyOf(notes);
        this.context = context;
    }

    /**
     * This reader, with {@code fallback} naming a CPU's task where the architecture's own way
     * cannot: arm64 keeps {@code current} in sp_el0, and a kernel without data symbols in kallsyms
     * leaves {@code __entry_task} out of reach, while the task table still marks who was running.
     */
    public BacktraceReader namingTasksWith(ActiveTasks fallback) {
        ActiveTasks own = tasks;
        ActiveTasks either = cpu -> {
            Optional<TaskRef> t = own.onCpu(cpu);
            return t.isPresent() ? t : fallback.onCpu(cpu);
        };
        return new BacktraceReader(arch, context, notes, either, unwinder);
    }

    /** The loaded modules the traces can name and unwind, or why there are none. */
    public UnwindContext context() {
        return context;
    }

    /**
     * The dump's architecture and kallsyms, with {@code btf} its loaded modules too (their
     * symbols and unwind data); the running tasks from kallsyms alone.
     */
    public static BacktraceReader of(KernelView view, List<CpuRegisters> notes, Optional<Btf> btf) {
        if (!sameNotes(notes, view.cpuNotes())) {
            return build(view, notes, btf);
        }
        // The view's own notes: built once per dump (the unwinder locates and sizes its ORC tables).
        return view.memo().get(READER.with(btf.orElse(null)), () -> build(view, view.cpuNotes(), btf));
    }

    private static BacktraceReader build(KernelView view, List<CpuRegisters> notes, Optional<Btf> btf) {
        UnwindContext context = UnwindContext.of(view, btf);
        return new BacktraceReader(view.architecture(), context, notes, view.architecture().activeTasks(context));
    }

    private static boolean sameNotes(List<CpuRegisters> a, List<CpuRegisters> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            CpuRegisters x = a.get(i);
            CpuRegisters y = b.get(i);
            if (x.noteIndex() != y.noteIndex() || x.pid() != y.pid() || !java.util.Arrays.equals(x.regs(), y.regs())) {
                return false;
            }
        }
        return true;
    }

    /** {@link #of} for the kernel image alone (no BTF: module code is neither named nor unwound). */
    public static BacktraceReader withoutBtf(KernelView view, List<CpuRegisters> notes) {
        return of(view, notes, Optional.empty());
    }

    /** As {@link #withoutBtf(KernelView, List)} for an x86_64 kernel given as memory and kallsyms. */
    public static BacktraceReader withoutBtf(VirtualMemory memory, Kallsyms symbols, List<CpuRegisters> notes) {
        UnwindContext context = UnwindContext.of(memory, symbols);
        return new BacktraceReader(X86_64.INSTANCE, context, notes, X86_64.INSTANCE.activeTasks(context));
    }

    public Architecture architecture() {
        return arch;
    }

    /** The unwind data found (for messages and {@code info}). */
    public String unwindData() {
        return unwinder.describe();
    }

    public int cpus() {
        return notes.size();
    }

    public ActiveTasks tasks() {
        return tasks;
    }

    /** The CPU that called panic() ({@code panic_cpu}), when a panic was in progress. */
    public OptionalInt panicCpu() {
        OptionalLong at = symbols.address("panic_cpu");
        if (at.isEmpty()) {
            return OptionalInt.empty();
        }
        int cpu = memory.s32(at.getAsLong());
        return cpu >= 0 && cpu < notes.size() ? OptionalInt.of(cpu) : OptionalInt.empty();
    }

    public List<Backtrace> all() {
        List<Backtrace> out = new ArrayList<>();
        for (int cpu = 0; cpu < notes.size(); cpu++) {
            out.add(forCpu(cpu));
        }
        return out;
    }

    public Backtrace forCpu(int cpu) {
        if (cpu < 0 || cpu >= notes.size()) {
            throw new IllegalArgumentException("CPU " + cpu + " has no register note (the dump has " + notes.size() + ")");
        }
        Registers regs = arch.registers().fromNote(notes.get(cpu));
        Optional<TaskRef> task;
        String why = null;
        try {
            task = tasks.onCpu(cpu);
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            task = Optional.empty();
            why = e.getMessage();
        }
        Backtrace bt = unwinder.running(cpu, task, regs);
        return why == null ? bt : bt.withTaskUnknown(why);
    }

    /**
     * The trace of a task that is not running: {@code savedSp} is its saved kernel stack pointer
     * ({@code task_struct.thread.sp} on x86_64; the offset comes from BTF, which this package
     * does not read).
     */
    public Backtrace forBlockedTask(TaskRef task, long savedSp) {
        try {
            return unwinder.blocked(task, savedSp);
        } catch (MemoryFault e) { // the saved frame's page is missing: this task's trace, not the others'
            MemoryFault.propagateIfWaiting(e);
            return new Backtrace(task.cpu(), Optional.of(task), Optional.empty(), List.of(), Backtrace.Method.ORC_FROM_SWITCH_FRAME,
                    Optional.of("the switch frame at saved sp 0x" + Long.toHexString(savedSp) + " could not be read: "
                            + e.getMessage()));
        }
    }
}
