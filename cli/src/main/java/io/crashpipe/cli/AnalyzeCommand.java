package io.crashpipe.cli;

import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.view.KernelView;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            write(view, out);
            out.flush();
        });
        return 0;
    }

    /** Every section, in order; also what 'shrink' runs to learn which pages the analyses need. */
    static void write(KernelView view, OutputStream out) throws IOException {
        Extraction x = new Extraction(view);
        SystemSummary s = x.require(SystemSummaryExtractor.INSTANCE);
        KernelLog log = x.require(KernelLogExtractor.INSTANCE);
        out.write(CrashSysFormat.text(s).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        MakedumpfileDmesg.write(log, out);
    }
}
