package io.crashpipe.parsers.oops;

import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The crash reports in a dump's own kernel log, in log order (the first is usually the cause). */
public final class LogReports {
    private LogReports() {}

    public static List<CrashReport> of(KernelLog log) {
        StringBuilder text = new StringBuilder();
        if (log.records().isEmpty() && log.rawText().length > 0) {
            text.append(new String(log.rawText(), StandardCharsets.ISO_8859_1));
        }
        for (LogRecord r : log.records()) {
            if (!r.dataless()) {
                // ISO-8859-1 keeps every byte as one char, so odd bytes cannot break line splitting
                text.append(new String(r.text(), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return new OopsParser().parse(text.toString());
    }
}
