package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.SinkDocument;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One crash report, one document per dump, id = dump id. Field names follow the Elastic Common
 * Schema where one fits ({@code @timestamp}, {@code event.*}, {@code host.*}, {@code file.path},
 * {@code process.*} for the panicking task, {@code error.message}); everything crash-specific
 * sits under {@code crash.*}.
 *
 * @param crashTime the crash's wall-clock time; when the dump cannot tell, {@code @timestamp}
 *     falls back to {@code created} and {@code crash.sys.date} stays absent
 * @param created when this report was produced ({@code event.created})
 * @param hostName the host as the agent identified it
 * @param machineId the host's /etc/machine-id, when the agent could read it ({@code host.id})
 * @param sourcePath the dump file on its host ({@code file.path})
 * @param modules the names of the loaded modules, in crash's {@code mod} order
 * @param logRecords how many kernel log records the dump held (each one a kernel-log document)
 */
public record CrashReportDocument(
        String dumpId,
        Optional<Instant> crashTime,
        Instant created,
        String hostName,
        Optional<String> machineId,
        Optional<String> sourcePath,
        String kernelRelease,
        String kernelVersion,
        Optional<String> panicMessage,
        SysFields sys,
        Optional<OopsSummary> oops,
        List<String> modules,
        long logRecords,
        Completeness completeness,
        ParserVersion parserVersion,
        Timings timings) {

    public static final String DATASET = "crashpipe.crash_report";

    public CrashReportDocument {
        modules = List.copyOf(modules);
    }

    public SinkDocument toSinkDocument(SinkIndices indices) {
        return new SinkDocument(indices.crashReports(), dumpId, parserVersion.ordinal(), toSource());
    }

    public ObjectNode toSource() {
        ObjectNode o = Sources.object();
        Sources.put(o, "@timestamp", crashTime.orElse(created));
        ObjectNode event = o.putObject("event");
        Sources.put(event, "created", created);
        event.put("dataset", DATASET);
        ObjectNode host = o.putObject("host");
        host.put("name", hostName);
        Sources.putText(host, "id", machineId);
        host.put("architecture", sys.machine());
        ObjectNode os = host.putObject("os");
        os.put("type", "linux");
        os.put("kernel", kernelRelease);
        sourcePath.ifPresent(p -> o.putObject("file").put("path", p));
        // ECS process.*: the task the kernel panicked in, so "which command crashes" is one aggregation.
        sys.panicTask().ifPresent(t -> {
            ObjectNode process = o.putObject("process");
            process.put("pid", t.pid());
            process.put("name", t.comm());
        });
        panicMessage.ifPresent(m -> o.putObject("error").put("message", m));

        ObjectNode crash = o.putObject("crash");
        crash.put("dump_id", dumpId);
        ObjectNode kernel = crash.putObject("kernel");
        kernel.put("release", kernelRelease);
        kernel.put("version", kernelVersion);
        oops.ifPresent(x -> {
            crash.put("title", x.title());
            crash.put("signature", x.signature());
            crash.put("type", x.type());
            Sources.putText(crash, "frame", x.frame());
            crash.put("report_corrupted", x.corrupted());
            crash.put("report_count", x.reportCount());
        });
        if (!modules.isEmpty()) {
            modules.forEach(crash.putArray("modules")::add);
        }
        crash.put("log_records", logRecords);
        crash.put("parser_version", parserVersion.text());
        crash.put("complete", completeness.complete());
        crash.set("completeness", completeness.toSource());
        crash.set("sys", sys.toSource());
        crash.set("timings", timings.toSource(created));
        return o;
    }
}
