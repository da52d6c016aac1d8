package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.BacktraceReader;
import io.crashpipe.parsers.unwind.CrashBtFormat;
import io.crashpipe.parsers.unwind.TaskRef;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe foreach DUMP [STATE|active] bt}: crash's {@code foreach bt}, filtered by task state. */
@Command(name = "foreach", header = "crash's 'foreach [STATE] bt': the backtrace of every task, or of those in a state.",
        mixinStandardHelpOptions = true,
        description = {"Backtraces of every task in the dump's task table (BTF), or only of the tasks in a state",
            "as crash's ps names it (RU, IN, UN, ID, ST, TR, ZO, DE, PA, WA, NE) or the 'active' ones;",
            "'foreach UN bt' lists the hung (uninterruptible) tasks. Prints nothing when none match."})
public final class ForeachCommand implements Callable<Integer> {
    private static final Set<String> STATES = Set.of("RU", "IN", "UN", "ID", "ST", "TR", "ZO", "DE", "PA", "WA", "NE");

    @Mixin
    DumpArgument dump;

    @Parameters(index = "1..*", paramLabel = "[STATE] bt", description = "an optional state filter, then 'bt'")
    List<String> words;

    @Option(names = "--json", description = "print a JSON array, one object per task")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (words == null || words.isEmpty() || !words.get(words.size() - 1).equals("bt") || words.size() > 2) {
            throw new ParameterException(spec.commandLine(), "expected '[STATE] bt' after DUMP, e.g. 'UN bt'");
        }
        String filter = words.size() == 2 ? words.get(0).toUpperCase(Locale.ROOT) : null;
        if (filter != null && !STATES.contains(filter) && !filter.equals("ACTIVE")) {
            throw new ParameterException(spec.commandLine(), "unknown state '" + words.get(0) + "'; one of "
                    + new java.util.TreeSet<>(STATES) + " or active");
        }
        KernelAccess.withDump(dump.path(), d -> {
            KernelView view = KernelView.of(d);
            BacktraceReader reader = BacktraceReader.withoutBtf(view, d.cpuRegisters());
            if (reader.cpus() == 0) {
                throw new DumpFormatException(d.name(), 0, "NT_PRSTATUS notes (one per CPU)", "none");
            }
            TaskTable table = new Extraction(view).require(TaskTableExtractor.INSTANCE).orElseThrow(() ->
                    new IOException(d.name() + ": foreach needs the task table, which needs BTF (this kernel has none)"));
            List<Backtrace> traces = new ArrayList<>();
            for (Task t : table.tasks()) {
                if (matches(t, filter)) {
                    traces.add(trace(reader, t));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                traces.forEach(t -> arr.add(BtCommand.toJson(t)));
                Json.print(out, arr);
            } else {
                out.print(TerminalText.escape(CrashBtFormat.text(traces)));
                out.flush();
            }
        });
        return 0;
    }

    static boolean matches(Task t, String filter) {
        if (filter == null) {
            return true;
        }
        return filter.equals("ACTIVE") ? t.active() : t.state().crashCode().equals(filter);
    }

    /** A running task unwinds from its CPU's registers; any other from its saved switch frame. */
    private static Backtrace trace(BacktraceReader reader, Task t) {
        if (t.active()) {
            for (int cpu = 0; cpu < reader.cpus(); cpu++) {
                Optional<TaskRef> on = reader.tasks().onCpu(cpu);
                if (on.isPresent() && on.get().task() == t.address()) {
                    return reader.forCpu(cpu);
                }
            }
            if (t.cpu() >= 0 && t.cpu() < reader.cpus()) {
                // The per-CPU data does not name it (arm64 without data symbols): the task table says it
                // runs on its CPU, whose note holds its registers; its saved switch frame is stale.
                return reader.namingTasksWith(c -> c == t.cpu() ? Optional.of(t.ref()) : Optional.empty()).forCpu(t.cpu());
            }
        }
        Optional<String> noSp = t.completeness().reason("saved_sp");
        if (noSp.isPresent()) { // its task_struct's page is missing: nothing to start an unwind from
            return new Backtrace(t.cpu(), Optional.of(t.ref()), Optional.empty(), List.of(),
                    Backtrace.Method.ORC_FROM_SWITCH_FRAME, Optional.of("its saved stack pointer could not be read: " + noSp.get()));
        }
        return reader.forBlockedTask(t.ref(), t.savedSp());
    }
}
