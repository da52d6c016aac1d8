package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.oops.CrashReport;
import io.crashpipe.parsers.oops.Frame;
import io.crashpipe.parsers.oops.OopsParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crashpipe oops FILE|-}: the crash reports in kernel log text. */
@Command(name = "oops", header = "Crash reports in kernel log text: title, type, signature, call trace.", mixinStandardHelpOptions = true,
        description = {"Find the crash reports in kernel log text (dmesg, vmcore-dmesg.txt, a serial console capture)",
            "and print each one's title, type and signature, then its call trace.",
            "--json prints a JSON array, one object per report in log order ([] when there is none)."})
public final class OopsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "kernel log text, or - for standard input")
    String file;

    @Option(names = "--json", description = "print a JSON array of reports")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<CrashReport> reports;
        try (Reader in = open(file)) {
            reports = new OopsParser().parse(in);
        }
        // The log text is anyone's: escaped like every other command's output.
        PrintWriter out = TerminalText.writer(new PrintWriter(System.out, false, StandardCharsets.UTF_8));
        if (json) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            reports.forEach(r -> a.add(toJson(r)));
            Json.print(out, a);
        } else {
            writeText(reports, out);
            out.flush();
        }
        return 0;
    }

    private static Reader open(String file) throws IOException {
        if (file.equals("-")) {
            return new InputStreamReader(System.in, StandardCharsets.ISO_8859_1);
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(file, null, "no such file");
        }
        // Latin-1 maps every byte to one char: logs are mostly ASCII with arbitrary bytes mixed in.
        return Files.newBufferedReader(p, StandardCharsets.ISO_8859_1);
    }

    /** Text form, shared with {@code analyze}: a block per report. */
    static void writeText(List<CrashReport> reports, PrintWriter out) {
        if (reports.isEmpty()) {
            out.println("no crash report found");
            return;
        }
        for (int i = 0; i < reports.size(); i++) {
            CrashReport r = reports.get(i);
            if (i > 0) {
                out.println();
            }
            out.printf("TITLE: %s%n", r.title());
            out.printf("TYPE: %s%s%n", r.type().label(), r.corrupted() ? " (corrupted)" : "");
            out.printf("SIGNATURE: %s%n", r.signature());
            out.printf("FRAME: %s%n", r.guiltyFrame().isEmpty() ? "-" : r.guiltyFrame());
            r.header().ifPresent(h -> {
                out.printf("TASK: %s (pid %d, cpu %d)  KERNEL: %s%n", h.comm().isEmpty() ? "-" : h.comm(), h.pid(), h.cpu(),
                        h.kernelRelease());
                if (h.taint().tainted()) {
                    out.printf("TAINT: %s (%s)%n", h.taint().letters(), String.join(", ", h.taint().words()));
                }
            });
            if (!r.hardware().isEmpty()) {
                out.printf("HARDWARE: %s%n", r.hardware());
            }
            if (!r.rip().isEmpty()) {
                out.printf("RIP: %s%n", r.rip());
            }
            if (!r.panic().isEmpty()) {
                out.printf("PANIC: %s%n", r.panic());
            }
            if (!r.modules().isEmpty()) {
                out.printf("MODULES: %d%n", r.modules().size());
            }
            int trace = -1;
            for (Frame f : r.frames()) {
                if (f.trace() != trace) {
                    trace = f.trace();
                    out.printf("  trace %d:%n", trace);
                }
                out.printf(Locale.ROOT, "    %s%s%s%s%s%n", f.reliable() ? "" : "? ", f.rawFunction(),
                        f.offset() >= 0 ? String.format("+0x%x", f.offset()) : "",
                        f.size() >= 0 ? String.format("/0x%x", f.size()) : "",
                        (f.module().isEmpty() ? "" : " [" + f.module() + "]")
                                + (f.section() == io.crashpipe.parsers.oops.FrameSection.UNMARKED ? "" : "  <" + f.section() + ">"));
            }
        }
    }

    static ObjectNode toJson(CrashReport r) {
        ObjectNode o = Json.object();
        o.put("title", r.title());
        o.put("type", r.type().label());
        o.put("frame", r.guiltyFrame());
        o.put("signature", r.signature());
        o.put("corrupted", r.corrupted());
        o.put("kind", r.kind());
        o.put("line", r.firstLineNumber());
        o.put("first_line", r.firstLine());
        o.put("rip", r.rip());
        o.put("panic", r.panic());
        r.header().ifPresentOrElse(h -> {
            ObjectNode t = o.putObject("task");
            t.put("cpu", h.cpu());
            t.put("pid", h.pid());
            t.put("comm", h.comm());
            t.put("kernel", h.kernelRelease());
            ObjectNode taint = o.putObject("taint");
            taint.put("letters", h.taint().letters());
            ArrayNode words = taint.putArray("words");
            h.taint().words().forEach(words::add);
        }, () -> {
            o.putNull("task");
            o.putNull("taint");
        });
        o.put("hardware", r.hardware());
        ArrayNode mods = o.putArray("modules");
        r.modules().forEach(mods::add);
        ObjectNode regs = o.putObject("registers");
        r.registers().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> regs.put(e.getKey(), e.getValue()));
        r.code().ifPresentOrElse(c -> {
            ObjectNode code = o.putObject("code");
            code.put("bytes", c.hex());
            code.put("fault_offset", c.faultOffset());
        }, () -> o.putNull("code"));
        ArrayNode frames = o.putArray("frames");
        for (Frame f : r.frames()) {
            ObjectNode fo = frames.addObject();
            fo.put("function", f.function());
            fo.put("raw", f.rawFunction());
            if (f.offset() >= 0) {
                fo.put("offset", f.offset());
            } else {
                fo.putNull("offset");
            }
            if (f.size() >= 0) {
                fo.put("size", f.size());
            } else {
                fo.putNull("size");
            }
            fo.put("module", f.module());
            fo.put("reliable", f.reliable());
            fo.put("section", f.section().name().toLowerCase(Locale.ROOT));
            fo.put("trace", f.trace());
        }
        return o;
    }
}
