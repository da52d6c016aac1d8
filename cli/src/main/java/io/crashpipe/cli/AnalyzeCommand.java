package io.crashpipe.cli;

import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.sys.SystemSummaryReader;
import io.crashpipe.parsers.kernel.FieldOffsets;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code crashpipe analyze DUMP}: every triage section in order (today: sys, panic, then log). */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Print every triage section for the dump: 'sys', the crash reports found in its log ('panic'), then 'log'."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DUMP", description = "dump file (ELF, kdump-compressed or flattened)")
    Path dump;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump, view -> {
            KernelLog log = LogCommand.read(view);
            SystemSummary s = SystemSummaryReader.read(view, log, FieldOffsets.of(view.vmcoreinfo()));
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            out.write(CrashSysFormat.text(s).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            out.write(PanicSection.text(log).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            MakedumpfileDmesg.write(log, out);
            out.flush();
        });
        return 0;
    }
}
