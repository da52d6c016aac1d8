package io.crashpipe.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.KernelLogReader;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.view.KernelView;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe log DUMP}: the kernel log, byte for byte as {@code makedumpfile --dump-dmesg}. */
@Command(name = "log", header = "The kernel log, byte for byte as makedumpfile --dump-dmesg prints it.", mixinStandardHelpOptions = true,
        description = {"Print the kernel log from the dump, exactly as makedumpfile --dump-dmesg does.",
            "--json prints one JSON object per record (sequence, timestamp, level, facility, caller, text, device)."})
public final class LogCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Option(names = "--json", description = "one JSON object per log record, one per line")
    boolean json;

    @Option(names = "--caller-ids",
            description = "print each record's caller id ([    T123] / [      C1]) as makedumpfile 1.7.5 and later do;"
                    + " without it the output is that of makedumpfile up to 1.7.4 (e.g. Debian 12's 1.7.2)")
    boolean callerIds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump.path(), view -> {
            KernelLog log = read(view);
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            if (json) {
                // Made here, not in a static field: Jackson's start-up costs ~150 ms that the
                // plain makedumpfile-style output should not pay.
                ObjectWriter line = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
                for (LogRecord r : log.records()) {
                    out.write(line.writeValueAsBytes(toJson(r)));
                    out.write('\n');
                }
            } else {
                MakedumpfileDmesg.write(log, out,
                        callerIds ? MakedumpfileDmesg.CallerIds.PRINT : MakedumpfileDmesg.CallerIds.OMIT);
            }
            out.flush();
            // stdout stays makedumpfile's bytes; what failed the ring's own checks goes to stderr.
            for (String d : log.damage()) {
                spec.commandLine().getErr().println("crashpipe log: incomplete: " + TerminalText.escape(d));
            }
        });
        return 0;
    }

    static KernelLog read(KernelView view) {
        return KernelLogReader.read(view.memory(), view.vmcoreinfo());
    }

    static ObjectNode toJson(LogRecord r) {
        ObjectNode o = Json.object();
        o.put("sequence", r.sequence());
        o.put("timestamp_ns", r.timestampNanos());
        o.put("level", r.level());
        o.put("facility", r.facility());
        r.caller().ifPresentOrElse(c -> o.put("caller", c), () -> o.putNull("caller"));
        o.put("text", new String(r.text(), StandardCharsets.UTF_8));
        if (!r.subsystem().isEmpty() || !r.device().isEmpty()) {
            ObjectNode dev = o.putObject("device_info");
            dev.put("subsystem", r.subsystem());
            dev.put("device", r.device());
        } else {
            o.putNull("device_info");
        }
        return o;
    }
}
