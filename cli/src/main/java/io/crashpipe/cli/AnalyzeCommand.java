package io.crashpipe.cli;

import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.extract.BacktraceExtractor;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ExtractionRunner;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.ModuleListExtractor;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.module.CrashModFormat;
import io.crashpipe.parsers.module.KernelModule;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sched.CrashPsFormat;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.view.KernelView;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code crashpipe analyze DUMP}: every triage section in order (sys, panic, ps, mod, bt, then log). */
@Command(name = "analyze", header = "Every triage section of a dump: sys, panic, ps, mod, bt, log.", mixinStandardHelpOptions = true,
        description = {"Print every triage section for the dump: 'sys', the crash reports in its log ('panic'),",
            "'ps', 'mod', 'bt -a' and the traces of the tasks in uninterruptible sleep ('foreach UN bt'), then 'log'."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Override
    public Integer call() throws IOException {
        KernelAccess.withDump(dump.path(), d -> {
            io.crashpipe.parsers.view.KernelView view = io.crashpipe.parsers.view.KernelView.of(d);
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            write(view, d.cpuRegisters(), out);
            out.flush();
        });
        return 0;
    }

    /** Every section, in order; also what 'shrink' runs to learn which pages the analyses need. */
    static void write(KernelView view, OutputStream out) throws IOException {
        write(view, null, out);
    }

    /** With the CPU notes, the fault section (taint, faulting instruction) follows the panic section. */
    static void write(KernelView view, java.util.List<io.crashpipe.parsers.dump.CpuRegisters> notes, OutputStream out)
            throws IOException {
        Extraction x = new Extraction(view);
        SystemSummary s = x.require(SystemSummaryExtractor.INSTANCE);
        Optional<TaskTable> tasks = x.require(TaskTableExtractor.INSTANCE);
        Optional<List<KernelModule>> modules = x.require(ModuleListExtractor.INSTANCE);
        KernelLog log = x.require(KernelLogExtractor.INSTANCE);
        out.write(TerminalText.escape(CrashSysFormat.text(s, tasks.map(SysTasks::of))).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.write(TerminalText.escape(PanicSection.text(log)).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        if (notes != null) {
            out.write(TerminalText.escape(FaultSection.text(view, notes)).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        // Without BTF the task and module layouts are unknown: say so once instead of guessing.
        String sections = tasks.isEmpty() || modules.isEmpty() ? "ps, mod: not available (" + KernelBtf.whyAbsent(view) + ")\n"
                : CrashPsFormat.text(tasks.get()) + "\n" + CrashModFormat.text(modules.get());
        out.write(sections.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.write(BacktraceText.of(ExtractionRunner.run(BacktraceExtractor.DEFAULT, x)).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        MakedumpfileDmesg.write(log, out);
    }
}
