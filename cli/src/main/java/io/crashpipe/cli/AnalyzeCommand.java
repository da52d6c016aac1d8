package io.crashpipe.cli;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.module.CrashModFormat;
import io.crashpipe.parsers.module.ModuleListReader;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sched.CrashPsFormat;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sched.TaskTableReader;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.sys.SystemSummary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code crashpipe analyze DUMP}: every triage section in order (today: sys, ps, mod, then log). */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Print every triage section for the dump: 'sys', 'ps', 'mod', then 'log'."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DUMP", description = "dump file (ELF, kdump-compressed or flattened)")
    Path dump;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump, view -> {
            KernelLog log = LogCommand.read(view);
            Optional<Btf> btf = KernelBtf.find(view);
            SystemSummary s = SysCommand.read(view, log, btf);
            Optional<TaskTable> tasks = btf.map(b -> TaskTableReader.read(view, b));
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            out.write(CrashSysFormat.text(s, tasks.map(SysTasks::of)).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            // Without BTF the task and module layouts are unknown: say so once instead of guessing.
            String sections = btf.isEmpty() ? "ps, mod: not available (the kernel has no BTF)\n"
                    : CrashPsFormat.text(tasks.get()) + "\n" + CrashModFormat.text(ModuleListReader.read(view, btf.get()));
            out.write(sections.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            MakedumpfileDmesg.write(log, out);
            out.flush();
        });
        return 0;
    }
}
