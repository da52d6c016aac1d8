package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.extract.BtfExtractor;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SystemSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe sys DUMP}: crash's system summary. */
@Command(name = "sys", header = "crash's 'sys' summary of the dump.", mixinStandardHelpOptions = true,
        description = {"Print crash's 'sys' summary from the dump: CPUs, date, uptime, load average, uname,",
            "CPU speed, memory, the panic message, the task count and the panic task (from BTF)."})
public final class SysCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "-t", description = "only the taint: crash's TAINTED_MASK line, then each set flag by letter and name")
    boolean taint;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (taint) {
            return SysTaint.print(dump.path(), json, spec.commandLine().getOut());
        }
        KernelAccess.with(dump.path(), view -> {
            PrintWriter out = spec.commandLine().getOut();
            Extraction x = new Extraction(view);
            SystemSummary s = x.require(SystemSummaryExtractor.INSTANCE);
            Fact<SysTasks> tasks = tasks(x);
            if (json) {
                Json.print(out, toJson(s, tasks));
            } else {
                out.print(TerminalText.escape(CrashSysFormat.text(s, tasks)));
                out.flush();
            }
        });
        return 0;
    }

    /** The task facts of sys, or why the task table cannot be had (no BTF, a missing page, a layout). */
    static Fact<SysTasks> tasks(Extraction x) {
        return Fact.readFact(() -> BtfExtractor.of(x).map(btf -> SysTasks.of(x.require(TaskTableExtractor.INSTANCE)
                .orElseThrow(), Fact.read(() -> x.require(KernelLogExtractor.INSTANCE)).optional())));
    }

    static ObjectNode toJson(SystemSummary s, Fact<SysTasks> tasks) {
        ObjectNode o = Json.object();
        o.put("cpus", s.cpus());
        o.put("cpus_online", s.onlineCpus());
        s.date().ifPresentOrElse(d -> o.put("date", d.toString()), () -> o.putNull("date"));
        o.put("date_source", s.dateSource());
        if (s.uptimeSeconds().isPresent()) {
            o.put("uptime_seconds", s.uptimeSeconds().getAsLong());
        } else {
            o.putNull("uptime_seconds");
        }
        if (s.hz().isPresent()) {
            o.put("hz", s.hz().getAsInt());
        }
        s.avenrun().ifPresent(a -> {
            var arr = o.putArray("load_average");
            for (long v : a) {
                arr.add(v / 2048.0);
            }
        });
        o.put("nodename", s.uts().nodename());
        o.put("release", s.uts().release());
        o.put("version", s.uts().version());
        o.put("machine", s.uts().machine());
        if (s.cpuKhz().isPresent()) {
            o.put("cpu_mhz", s.cpuKhz().getAsLong() / 1000);
        }
        if (s.memoryBytes().isPresent()) {
            o.put("memory_bytes", s.memoryBytes().getAsLong());
        }
        s.panicMessage().ifPresentOrElse(p -> o.put("panic", p), () -> o.putNull("panic"));
        if (tasks instanceof Fact.Unknown<SysTasks> u) {
            o.putNull("tasks");
            o.put("tasks_note", u.reason());
        } else {
            o.put("tasks", tasks.orElseThrow().count());
            tasks.orElseThrow().panicTask().ifPresentOrElse(t -> {
                ObjectNode p = o.putObject("panic_task");
                p.put("pid", t.pid());
                p.put("comm", t.comm());
                p.put("task", "0x" + t.addressHex());
                p.put("cpu", t.cpu());
                p.put("state", t.state().crashCode());
            }, () -> o.putNull("panic_task"));
        }
        // Every field the dump could not give, with the reason (the text output prints it in place).
        ObjectNode unknown = o.putObject("unknown");
        s.completeness().unknown().forEach(unknown::put);
        tasks.why().ifPresent(r -> unknown.put("tasks", r));
        return o;
    }
}
