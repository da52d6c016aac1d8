package io.crashpipe.cli;

import io.crashpipe.parsers.oops.LogReports;
import io.crashpipe.parsers.printk.KernelLog;
import java.io.PrintWriter;
import java.io.StringWriter;

/** The 'panic' section of {@code analyze}: the crash reports in the dump's own kernel log. */
final class PanicSection {
    private PanicSection() {}

    static String text(KernelLog log) {
        StringWriter w = new StringWriter();
        PrintWriter out = new PrintWriter(w);
        out.println("PANIC");
        // Reports may sit in records that failed the ring's own checks: say so before what was found.
        log.damageSummary(3).forEach(d -> out.println("incomplete: kernel log: " + d));
        OopsCommand.writeText(LogReports.of(log), out);
        out.flush();
        return w.toString();
    }

}
