package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.SinkDocument;
import java.time.Instant;
import java.util.Optional;

/**
 * One crash report, one document per dump, id = dump id. Field names follow the Elastic Common
 * Schema where one fits ({@code @timestamp}, {@code event.*}, {@code host.*}, {@code error.message});
 * everything crash-specific sits under {@code crash.*}.
 *
 * @param crashTime the crash's wall-clock time; when the dump cannot tell, {@code @timestamp}
 *     falls back to {@code created} and {@code crash.sys.date} stays absent
 * @param created when this report was produced ({@code event.created})
 * @param hostName the host as the agent identified it
 */
public record CrashReportDocument(
        String dumpId,
        Optional<Instant> crashTime,
        Instant created,
        String hostName,
        String kernelRelease,
        String kernelVersion,
        Optional<String> panicMessage,
        SysFields sys,
        Optional<OopsSummary> oops,
        Completeness completeness,
        ParserVersion parserVersion,
        Timings timings) {

    public static final String DATASET = "crashpipe.crash_report";

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
        host.put("architecture", sys.machine());
        ObjectNode os = host.putObject("os");
        os.put("type", "linux");
        os.put("kernel", kernelRelease);
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
        });
        crash.put("parser_version", parserVersion.text());
        crash.put("complete", completeness.complete());
        crash.set("completeness", completeness.toSource());
        crash.set("sys", sys.toSource());
        crash.set("timings", timings.toSource(created));
        return o;
    }
}
