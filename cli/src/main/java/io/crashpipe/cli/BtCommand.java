package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.extract.BtfExtractor;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.BacktraceReader;
import io.crashpipe.parsers.unwind.CrashBtFormat;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.unwind.StackSwitch;
import io.crashpipe.parsers.unwind.TraceStep;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe bt DUMP [PID]}: backtraces of the tasks running on the CPUs, in crash's layout. */
@Command(name = "bt", header = "Backtraces unwound with the dump's own ORC data, as crash's 'bt'.", mixinStandardHelpOptions = true,
        description = {"Print the backtrace of the panic task (the CPU in panic_cpu), of the running task PID,",
            "or with -a of every CPU's running task, unwound with the kernel's ORC data from the CPU notes.",
            "Frames marked '?' were found by scanning the stack and may be stale."})
public final class BtCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "PID", arity = "0..1", description = "a task (running, or sleeping when the kernel has BTF)")
    Integer pid;

    @Option(names = "-a", description = "every CPU's running task")
    boolean all;

    @Option(names = "--json", description = "print a JSON array, one object per task")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KernelAccess.withDump(dump.path(), d -> {
            KernelView view = KernelView.of(d);
            Extraction extraction = new Extraction(view);
            BacktraceReader own = BacktraceReader.of(view, d.cpuRegisters(), extraction.require(BtfExtractor.INSTANCE));
            // where the architecture cannot name a CPU's task (arm64 without data symbols), the task table can
            BacktraceReader reader = tasksIfReadable(extraction).map(t -> own.namingTasksWith(t::runningOn)).orElse(own);
            if (reader.cpus() == 0) {
                throw new DumpFormatException(d.name(), 0, "NT_PRSTATUS notes (one per CPU)", "none");
            }
            List<Backtrace> traces = select(reader, extraction, d.name());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                traces.forEach(t -> arr.add(toJson(t)));
                Json.print(out, arr);
            } else {
                out.print(TerminalText.escape(CrashBtFormat.text(traces)));
                out.flush();
            }
        });
        return 0;
    }

    private static Optional<TaskTable> tasksIfReadable(Extraction extraction) {
        try {
            return extraction.require(TaskTableExtractor.INSTANCE);
        } catch (RuntimeException e) { // bt goes on without it; ps says why the table is unreadable
            return Optional.empty();
        }
    }

    private List<Backtrace> select(BacktraceReader reader, Extraction extraction, String name) throws IOException {
        if (all) {
            return reader.all();
        }
        if (pid != null) {
            for (int cpu = 0; cpu < reader.cpus(); cpu++) {
                var task = reader.tasks().onCpu(cpu);
                if (task.isPresent() && task.get().pid().isPresent() && task.get().pid().getAsInt() == pid) {
                    return List.of(reader.forCpu(cpu));
                }
            }
            // A sleeping task: unwind from the switch frame its thread.sp points at (task table, from BTF).
            var table = extraction.require(TaskTableExtractor.INSTANCE).orElseThrow(() -> new IOException(
                    name + ": PID " + pid + " is not running on any CPU, and finding a sleeping task needs the"
                    + " task table, which needs BTF (this kernel has none)"));
            Task t = table.byPid(pid)
                    .orElseThrow(() -> new IOException(name + ": no task with PID " + pid + " in the dump"));
            return List.of(reader.forBlockedTask(t.ref(), t.savedSp()));
        }
        return List.of(reader.forCpu(reader.panicCpu().orElse(0)));
    }

    static ObjectNode toJson(Backtrace bt) {
        ObjectNode o = Json.object();
        o.put("cpu", bt.cpu());
        bt.task().ifPresentOrElse(t -> {
            if (t.pid().isPresent()) {
                o.put("pid", t.pid().getAsInt());
            } else {
                o.putNull("pid");
            }
            o.put("comm", t.comm().orElse(null));
            o.put("task", hex(t.task()));
        }, () -> {
            o.putNull("pid");
            o.putNull("comm");
            o.putNull("task");
        });
        o.put("method", bt.method().name().toLowerCase());
        bt.stop().ifPresent(s -> o.put("orc_stopped", s));
        bt.incomplete().ifPresent(s -> o.put("incomplete", s));
        ArrayNode frames = o.putArray("frames");
        ArrayNode exceptions = o.putArray("exception_frames");
        for (TraceStep s : bt.steps()) {
            switch (s) {
                case Frame f -> {
                    ObjectNode j = frames.addObject();
                    j.put("symbol", f.name().orElse(null));
                    if (f.symbol().isPresent()) {
                        j.put("offset", "0x" + Long.toHexString(f.symbol().get().offset()));
                    } else {
                        j.putNull("offset");
                    }
                    j.put("address", hex(f.pc()));
                    j.put("module", f.module().orElse(null));
                    j.put("stack", f.fromRegisters() ? null : hex(f.slot()));
                    j.put("reliable", f.reliable());
                }
                case ExceptionFrame e -> {
                    ObjectNode j = exceptions.addObject();
                    j.put("at", e.fromNote() ? null : hex(e.address()));
                    j.put("user_mode", e.regs().userMode());
                    ObjectNode regs = j.putObject("registers");
                    List<String> names = e.regs().layout().names();
                    for (int i = 0; i < names.size(); i++) {
                        regs.put(names.get(i), hex(e.regs().get(i)));
                    }
                }
                case StackSwitch w -> {
                    // Stack changes are visible from the frames' stack addresses.
                }
            }
        }
        return o;
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }
}
