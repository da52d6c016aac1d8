package io.crashpipe.cli;

import io.crashpipe.parsers.oops.CrashReport;
import io.crashpipe.parsers.oops.OopsParser;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The 'panic' section of {@code analyze}: the crash reports in the dump's own kernel log. */
final class PanicSection {
    private PanicSection() {}

    static List<CrashReport> reports(KernelLog log) {
        List<CrashReport> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        if (log.records().isEmpty() && log.rawText().length > 0) {
            text.append(new String(log.rawText(), StandardCharsets.ISO_8859_1));
        }
        for (LogRecord r : log.records()) {
            if (!r.dataless()) {
                text.append(new String(r.text(), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        out.addAll(new OopsParser().parse(text.toString()));
        return out;
    }

    static String text(KernelLog log) {
        StringWriter w = new StringWriter();
        PrintWriter out = new PrintWriter(w);
        out.println("PANIC");
        OopsCommand.writeText(reports(log), out);
        out.flush();
        return w.toString();
    }

}
