package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.sched.CrashPsFormat;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sched.TaskTableReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe ps DUMP}: every task, in crash's {@code ps} layout. */
@Command(name = "ps", header = "Every task of the dump, as crash's 'ps' prints them.", mixinStandardHelpOptions = true,
        description = {"Print every task (all threads and the per-CPU idle tasks) as crash's 'ps' does;",
            "'>' marks the tasks running on a CPU at the crash. Layouts come from the dump's BTF."})
public final class PsCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Option(names = "--json", description = "print a JSON array, one object per task")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump.path(), view -> {
            TaskTable table = TaskTableReader.read(view, KernelBtf.require(view));
            if (table.tasks().stream().noneMatch(t -> t.completeness().known("pid"))) {
                // Rows of placeholders only (page tables or every task page unusable): an error, not a table.
                throw new IOException(dump.path() + ": no task could be read: " + table.completeness().unknown().entrySet()
                        .stream().findFirst().map(e -> e.getKey() + ": " + e.getValue()).orElse("the task lists are empty"));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode a = Json.MAPPER.createArrayNode();
                table.tasks().forEach(t -> a.add(toJson(table, t)));
                Json.print(out, a);
            } else {
                out.print(TerminalText.escape(CrashPsFormat.text(table)));
                out.flush();
            }
            PrintWriter err = spec.commandLine().getErr();
            if (!table.skipped().isEmpty()) {
                String why = table.tasks().stream().filter(t -> table.skipped().contains(t.address()))
                        .map(t -> t.completeness().unknown().values().iterator().next()).findFirst().orElse("");
                err.println("crashpipe ps: " + table.skipped().size() + " task(s) the kernel knows of could not be read,"
                        + " shown with '?' (" + why + ")");
            }
            if (json) { // the text table carries these as its own 'ps: ... incomplete:' lines
                table.completeness().unknown().forEach((k, v) -> err.println("crashpipe ps: incomplete: " + k + ": " + v));
            }
        });
        return 0;
    }

    static ObjectNode toJson(TaskTable table, Task t) {
        ObjectNode o = Json.object();
        o.put("pid", t.pid());
        o.put("ppid", t.ppid());
        o.put("tgid", t.tgid());
        o.put("cpu", t.cpu());
        o.put("task", "0x" + t.addressHex());
        o.put("state", t.state().crashCode());
        o.put("comm", t.comm());
        o.put("active", t.active());
        o.put("kernel_thread", t.kernelThread());
        o.put("vsz", t.vszKb());
        o.put("rss", t.rssPages() * (table.pageSize() / 1024));
        // The fields the dump could not give (their values above are placeholders), with the reason.
        if (t.incomplete()) {
            ObjectNode unknown = o.putObject("unknown");
            t.completeness().unknown().forEach(unknown::put);
        }
        return o;
    }
}
