package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.SinkDocument;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One crash report, one document per dump, id = dump id. Field names follow the Elastic Common
 * Schema where one fits ({@code @timestamp}, {@code ecs.version}, {@code event.*}, {@code message},
 * {@code host.*}, {@code agent.*}, {@code file.path}, {@code process.*} for the panicking task,
 * {@code error.*} with the panic task's trace as {@code error.stack_trace}); everything
 * crash-specific sits under {@code crash.*}.
 *
 * @param crashTime the crash's wall-clock time; when the dump cannot tell, {@code @timestamp}
 *     falls back to {@code event.created} and {@code crash.sys.date} stays absent
 * @param ingested when the sink produced this document ({@code event.ingested}); {@code event.created}
 *     is when the pipeline first read the dump ({@code timings.dumpAppeared}), else this
 * @param hostName the host as the agent identified it
 * @param machineId the host's /etc/machine-id, when the agent could read it ({@code host.id})
 * @param sourcePath the dump file on its host ({@code file.path})
 * @param modules the names of the loaded modules, in crash's {@code mod} order
 * @param logRecords how many kernel log records the dump held (each one a kernel-log document)
 * @param backtraces the panic task first, then the other CPUs' and the blocked tasks' traces
 * @param backtracesOmitted blocked-task traces the topology left out (its configured cap)
 */
public record CrashReportDocument(
        String dumpId,
        Optional<Instant> crashTime,
        Instant ingested,
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
        Timings timings,
        Provenance provenance,
        TaskRows tasks,
        List<TaskTrace> backtraces,
        int backtracesOmitted) {

    public static final String DATASET = "crashpipe.crash_report";
    /** The Elastic Common Schema version the field names follow. */
    public static final String ECS_VERSION = "8.11.0";
    static final String AGENT_TYPE = "crashpipe-edge-agent";

    public CrashReportDocument {
        modules = List.copyOf(modules);
        backtraces = List.copyOf(backtraces);
    }

    /** The report without the fields added with backtraces (older tests and callers). */
    public CrashReportDocument(String dumpId, Optional<Instant> crashTime, Instant ingested, String hostName,
            Optional<String> machineId, Optional<String> sourcePath, String kernelRelease, String kernelVersion,
            Optional<String> panicMessage, SysFields sys, Optional<OopsSummary> oops, List<String> modules,
            long logRecords, Completeness completeness, ParserVersion parserVersion, Timings timings) {
        this(dumpId, crashTime, ingested, hostName, machineId, sourcePath, kernelRelease, kernelVersion, panicMessage,
                sys, oops, modules, logRecords, completeness, parserVersion, timings, Provenance.UNKNOWN, TaskRows.NONE,
                List.of(), 0);
    }

    public SinkDocument toSinkDocument(SinkIndices indices) {
        return new SinkDocument(indices.crashReports(), dumpId, externalVersion(), toSource());
    }

    /** Complete sections counted in the version, at most {@code SECTION_SLOTS - 1}. */
    static final int SECTION_SLOTS = 32;

    /**
     * What Elasticsearch compares (external_gte): the parser version, then how many sections are
     * complete. A result of an older parser never replaces a newer one, and within one parser
     * version a result with fewer complete sections (a stall reported partial, a report made from
     * fewer pages) never replaces one with more; an equal one (a redelivery) overwrites itself.
     * A newer parser's result does replace an older complete one even when partial: the topology
     * makes sure a replay whose pages expired reports nothing (it skips the dump), so a newer
     * partial result is the newer parser's honest reading, such as damage it now detects.
     */
    public long externalVersion() {
        return rank(parserVersion, completeness);
    }

    /** The external version of a report of {@code version} with {@code completeness}. */
    public static long rank(ParserVersion version, Completeness completeness) {
        return version.ordinal() * SECTION_SLOTS + Math.min(completeness.completeSections(), SECTION_SLOTS - 1);
    }

    /** The panic task's trace, the first of {@link #backtraces} when the kernel recorded a panicking CPU. */
    public Optional<TaskTrace> panicTrace() {
        return backtraces.stream().filter(t -> t.role().equals("panic")).findFirst();
    }

    /** When the pipeline first read the dump ({@code event.created}). */
    public Instant created() {
        return timings.dumpAppeared().orElse(ingested);
    }

    public ObjectNode toSource() {
        ObjectNode o = Sources.object();
        Sources.put(o, "@timestamp", crashTime.orElse(created()));
        o.putObject("ecs").put("version", ECS_VERSION);
        ObjectNode event = o.putObject("event");
        event.put("kind", "event");
        // A kernel crash is the host ending: ECS category host, type end.
        event.putArray("category").add("host");
        event.putArray("type").add("end");
        Sources.put(event, "created", created());
        Sources.put(event, "ingested", ingested);
        event.put("dataset", DATASET);
        Optional<String> title = oops.map(OopsSummary::title).or(() -> panicMessage);
        Sources.putText(o, "message", title);
        ObjectNode host = o.putObject("host");
        host.put("name", hostName);
        host.put("hostname", hostName);
        Sources.putText(host, "id", machineId);
        host.put("architecture", provenance.architecture().isEmpty() ? sys.machine() : provenance.architecture());
        ObjectNode os = host.putObject("os");
        os.put("type", "linux");
        os.put("kernel", kernelRelease);
        ObjectNode agent = o.putObject("agent");
        agent.put("type", AGENT_TYPE);
        if (!provenance.agentVersion().isEmpty()) {
            agent.put("version", provenance.agentVersion());
        }
        sourcePath.ifPresent(p -> o.putObject("file").put("path", p));
        process(o);
        error(o);

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
        provenance.taintLetters().ifPresent(letters -> {
            ObjectNode taint = crash.putObject("taint");
            taint.put("letters", letters);
            taint.put("tainted", !letters.isEmpty());
            provenance.taintFlags().forEach(taint.putArray("flags")::add);
        });
        Sources.putText(crash, "hardware", provenance.hardware());
        if (!modules.isEmpty()) {
            modules.forEach(crash.putArray("modules")::add);
        }
        crash.put("log_records", logRecords);
        crash.put("parser_version", parserVersion.text());
        crash.put("complete", completeness.complete());
        crash.set("completeness", completeness.toSource());
        crash.set("sys", sys.toSource());
        crash.set("timings", timings.toSource(ingested));
        panicTrace().flatMap(t -> t.frames().stream().filter(TaskTrace.StackFrame::reliable).findFirst()
                .or(() -> t.frames().stream().findFirst())).flatMap(TaskTrace.StackFrame::function)
                .ifPresent(f -> crash.put("first_frame", f));
        ArrayNode bt = crash.putArray("backtrace");
        backtraces.forEach(t -> bt.add(t.toSource()));
        crash.put("backtrace_omitted", backtracesOmitted);
        crash.set("tasks", tasks.toSource());
        crash.put("tasks_omitted", tasks.omitted());
        return o;
    }

    /**
     * ECS {@code process.*}: the task the kernel panicked in, so "which command crashes" is one
     * aggregation. {@code process.pid} is the thread group (what user space calls the process id),
     * {@code process.thread.id} the task's own pid.
     */
    private void process(ObjectNode o) {
        Optional<TaskTrace> panic = panicTrace();
        Optional<PanicTask> sysTask = sys.panicTask();
        if (panic.isEmpty() && sysTask.isEmpty()) {
            return;
        }
        ObjectNode process = o.putObject("process");
        long pid = panic.filter(t -> t.pid().isPresent()).map(t -> t.pid().getAsLong())
                .orElseGet(() -> sysTask.map(PanicTask::pid).orElse(-1L));
        long tgid = panic.filter(t -> t.tgid().isPresent()).map(t -> t.tgid().getAsLong())
                .or(() -> tasks.rows().stream().filter(r -> r.pid() == pid && r.active()).map(TaskRows.Row::tgid).findFirst())
                .orElse(pid);
        if (pid >= 0) {
            process.put("pid", tgid);
            process.putObject("thread").put("id", pid);
        }
        Optional<String> name = sysTask.map(PanicTask::comm).or(() -> panic.flatMap(TaskTrace::comm));
        Sources.putText(process, "name", name);
    }

    private void error(ObjectNode o) {
        Optional<TaskTrace> panic = panicTrace();
        if (panicMessage.isEmpty() && oops.isEmpty() && panic.isEmpty()) {
            return;
        }
        ObjectNode error = o.putObject("error");
        Sources.putText(error, "message", panicMessage.or(() -> oops.map(OopsSummary::title)));
        oops.ifPresent(x -> error.put("type", x.type()));
        panic.filter(t -> !t.frames().isEmpty()).ifPresent(t -> error.put("stack_trace", t.text()));
    }
}
