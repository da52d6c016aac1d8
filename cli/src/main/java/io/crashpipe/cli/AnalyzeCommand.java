package io.crashpipe.cli;

import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code crashpipe analyze DUMP}: every triage section in order (today: sys, then log). */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Print every triage section for the dump: 'sys', then 'log'."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DUMP", description = "dump file (ELF, kdump-compressed or flattened)")
    Path dump;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump, view -> {
            KernelLog log = LogCommand.read(view);
            Optional<Btf> btf = KernelBtf.find(view);
            SystemSummary s = SysCommand.read(view, log, btf);
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            out.write(CrashSysFormat.text(s, SysCommand.tasks(view, btf)).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            MakedumpfileDmesg.write(log, out);
            out.flush();
        });
        return 0;
    }
}
