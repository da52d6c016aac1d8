package io.crashpipe.parsers.oops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Entry point: every crash report in a kernel log, in log order. Streams: the log is read line
 * by line and only the current report is held.
 */
public final class OopsParser {
    private final ReportDecoder decoder;

    public OopsParser() {
        this(FrameRules.defaults());
    }

    OopsParser(FrameRules rules) {
        this.decoder = new ReportDecoder(rules);
    }

    /** Calls {@code sink} once per report, in log order. */
    public void parse(Reader log, Consumer<CrashReport> sink) throws IOException {
        ReportSplitter splitter = new ReportSplitter(raw -> sink.accept(decoder.decode(raw)));
        BufferedReader r = log instanceof BufferedReader b ? b : new BufferedReader(log, 1 << 16);
        String line;
        while ((line = r.readLine()) != null) {
            splitter.accept(line);
        }
        splitter.finish();
    }

    public List<CrashReport> parse(Reader log) throws IOException {
        List<CrashReport> out = new ArrayList<>();
        parse(log, out::add);
        return out;
    }

    public List<CrashReport> parse(String log) {
        try {
            // A buffer no larger than the text: a short log allocates little.
            return parse(new BufferedReader(new StringReader(log), Math.max(16, Math.min(log.length(), 1 << 16))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
