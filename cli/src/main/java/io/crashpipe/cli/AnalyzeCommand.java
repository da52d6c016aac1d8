package io.crashpipe.cli;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.extract.BacktraceExtractor;
import io.crashpipe.parsers.extract.BtfExtractor;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.module.CrashModFormat;
import io.crashpipe.parsers.module.ModuleListReader;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sched.CrashPsFormat;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.view.KernelView;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code crashpipe analyze DUMP}: every triage section in order (sys, panic, ps, mod, bt, then log).
 * Each section stands alone: one that cannot be read says why in its place and the others are
 * still printed; the command fails only when no section could be read at all.
 */
@Command(name = "analyze", header = "Every triage section of a dump: sys, panic, ps, mod, bt, log.", mixinStandardHelpOptions = true,
        description = {"Print every triage section for the dump: 'sys', the crash reports in its log ('panic'),",
            "'ps', 'mod', 'bt -a' and the traces of the tasks in uninterruptible sleep ('foreach UN bt'), then 'log'.",
            "A section that cannot be read says why in its place; the exit status is 1 only when none could be read."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KernelAccess.withDump(dump.path(), d -> {
            KernelView view = KernelView.of(d);
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            AnalyzeSections.Tally tally = write(view, d.cpuRegisters(), out, spec.commandLine().getErr());
            out.flush();
            if (tally.read() == 0) {
                throw new IOException(dump.path() + ": no section could be read (" + String.join("; ", tally.reasons()) + ")");
            }
        });
        return 0;
    }

    /** Every section, in order, with no CPU notes (no fault section). */
    static AnalyzeSections.Tally write(KernelView view, OutputStream out) throws IOException {
        return write(view, null, out, new PrintWriter(OutputStream.nullOutputStream()));
    }

    /** With the CPU notes, the fault section (taint, faulting instruction) follows the panic section. */
    static AnalyzeSections.Tally write(KernelView view, List<CpuRegisters> notes, OutputStream out, PrintWriter err)
            throws IOException {
        Extraction x = new Extraction(view);
        AnalyzeSections s = new AnalyzeSections(out, err);
        Optional<TaskTable> tasks = s.value(TaskTableExtractor.INSTANCE, x).flatMap(t -> t);
        Optional<KernelLog> log = s.value(KernelLogExtractor.INSTANCE, x);
        s.section("sys", () -> CrashSysFormat.text(s.require(SystemSummaryExtractor.INSTANCE, x), tasks.map(SysTasks::of)));
        s.section("panic", () -> PanicSection.text(s.require(KernelLogExtractor.INSTANCE, x)));
        if (notes != null) {
            s.section("fault", () -> FaultSection.text(view, notes));
        }
        // Without BTF the task and module layouts are unknown: say so instead of guessing.
        s.section("ps", () -> CrashPsFormat.text(s.require(TaskTableExtractor.INSTANCE, x)
                .orElseThrow(() -> new AnalyzeSections.Unavailable(KernelBtf.whyAbsent(view)))));
        s.section("mod", () -> {
            Btf btf = s.require(BtfExtractor.INSTANCE, x)
                    .orElseThrow(() -> new AnalyzeSections.Unavailable(KernelBtf.whyAbsent(view)));
            return CrashModFormat.text(ModuleListReader.readList(view, btf));
        });
        s.section("bt", () -> BacktraceText.of(new Outcome.Done<>("bt", s.require(BacktraceExtractor.DEFAULT, x))));
        s.raw("log", () -> {
            KernelLog l = log.orElseGet(() -> s.require(KernelLogExtractor.INSTANCE, x));
            l.damageSummary(3).forEach(d -> err.println("crashpipe analyze: log incomplete: " + d));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            MakedumpfileDmesg.write(l, b); // byte for byte as makedumpfile, which escapes what it prints
            return b.toByteArray();
        });
        return s.tally();
    }
}
