package io.crashpipe.topology;

import io.crashpipe.parsers.extract.BacktraceSection;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.Registers;
import io.crashpipe.parsers.unwind.StackSwitch;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.unwind.TraceStep;
import io.crashpipe.schemas.results.BacktraceRole;
import io.crashpipe.schemas.results.ExceptionRegisters;
import io.crashpipe.schemas.results.StackFrame;
import io.crashpipe.schemas.results.TaskBacktrace;
import io.crashpipe.schemas.results.UnwindMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code bt} section as report rows: the panic task first, the other CPUs, then the blocked tasks. */
final class BacktraceRows {
    private BacktraceRows() {}

    static List<TaskBacktrace> of(BacktraceSection bt, Optional<TaskTable> tasks) {
        List<TaskBacktrace> out = new ArrayList<>();
        bt.panic().ifPresent(p -> out.add(row(p, BacktraceRole.PANIC, tasks)));
        for (Backtrace b : bt.cpus()) {
            if (bt.panic().filter(p -> p == b).isEmpty()) {
                out.add(row(b, BacktraceRole.ACTIVE, tasks));
            }
        }
        bt.blocked().forEach(b -> out.add(row(b, BacktraceRole.BLOCKED, tasks)));
        return out;
    }

    static TaskBacktrace row(Backtrace bt, BacktraceRole role, Optional<TaskTable> tasks) {
        Optional<TaskRef> ref = bt.task();
        Optional<Task> task = ref.flatMap(r -> tasks.flatMap(t -> t.byAddress(r.task())));
        TaskBacktrace.Builder b = TaskBacktrace.newBuilder()
                .setRole(role)
                .setCpu(bt.cpu())
                .setPid(ref.filter(r -> r.pid().isPresent()).map(r -> (long) r.pid().getAsInt()).orElse(null))
                .setTgid(task.map(t -> (long) t.tgid()).orElse(null))
                .setComm(ref.flatMap(TaskRef::comm).orElse(null))
                .setTask(ref.map(r -> "0x" + Long.toHexString(r.task())).orElse(null))
                .setState(task.map(t -> t.state().crashCode()).orElse(null))
                .setMethod(method(bt.method()))
                .setStopReason(bt.stop().orElse(null));
        List<StackFrame> frames = new ArrayList<>();
        List<ExceptionRegisters> exceptions = new ArrayList<>();
        for (TraceStep s : bt.steps()) {
            switch (s) {
                case Frame f -> frames.add(frame(f));
                case ExceptionFrame e -> exceptions.add(ExceptionRegisters.newBuilder()
                        .setBeforeFrame(frames.size())
                        .setAddress(e.fromNote() ? null : e.address())
                        .setUserMode(e.regs().userMode())
                        .setPartial(e.partial())
                        .setRegisters(registers(e.regs()))
                        .build());
                case StackSwitch w -> {
                    // Visible from the frames' stack addresses.
                }
            }
        }
        return b.setFrames(frames).setExceptionFrames(exceptions).build();
    }

    private static StackFrame frame(Frame f) {
        return StackFrame.newBuilder()
                .setFunction(f.name().orElse(null))
                .setOffset(f.symbol().map(s -> s.offset()).orElse(null))
                .setSize(f.symbol().map(s -> s.size()).orElse(null))
                .setModule(null)
                .setAddress(f.pc())
                .setStack(f.fromRegisters() ? null : f.slot())
                .setReliable(f.reliable())
                .build();
    }

    private static Map<String, Long> registers(Registers r) {
        Map<String, Long> m = new LinkedHashMap<>();
        long[] v = r.values();
        for (int i = 0; i < r.layout().names().size(); i++) {
            m.put(r.layout().names().get(i), v[i]);
        }
        return m;
    }

    private static UnwindMethod method(Backtrace.Method m) {
        try {
            return UnwindMethod.valueOf(m.name());
        } catch (IllegalArgumentException e) {
            return UnwindMethod.OTHER;
        }
    }
}
