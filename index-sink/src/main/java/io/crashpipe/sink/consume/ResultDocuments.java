package io.crashpipe.sink.consume;

import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.ModuleRow;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.PipelineStage;
import io.crashpipe.schemas.results.ReportTimings;
import io.crashpipe.schemas.results.SectionStatus;
import io.crashpipe.schemas.results.SysSummary;
import io.crashpipe.schemas.results.TaintFlags;
import io.crashpipe.schemas.results.TaskBacktrace;
import io.crashpipe.schemas.results.TaskRow;
import io.crashpipe.sink.doc.Completeness;
import io.crashpipe.sink.doc.CrashReportDocument;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.doc.OopsSummary;
import io.crashpipe.sink.doc.PanicTask;
import io.crashpipe.sink.doc.ParserVersion;
import io.crashpipe.sink.doc.SysFields;
import io.crashpipe.sink.doc.Provenance;
import io.crashpipe.sink.doc.TaskRows;
import io.crashpipe.sink.doc.TaskTrace;
import io.crashpipe.sink.doc.Timings;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The result events of the topology as the documents the sink indexes. Pure mapping: Avro's
 * nulls become empty optionals, so absent values are left out of the document instead of being
 * indexed as null. The task table is indexed as the report carries it (capped by the topology).
 */
public final class ResultDocuments {
    private ResultDocuments() {}

    /**
     * @param now when the sink produced the document ({@code event.ingested})
     * @throws IllegalArgumentException when the parser version is not MAJOR.MINOR[.PATCH]
     */
    public static CrashReportDocument crashReport(CrashReport r, Instant now) {
        return new CrashReportDocument(
                r.getDumpId(),
                Optional.ofNullable(r.getCrashTime()),
                now,
                r.getHostname(),
                Optional.ofNullable(r.getMachineId()),
                Optional.ofNullable(r.getSourcePath()),
                r.getKernelRelease(),
                r.getKernelVersion(),
                Optional.ofNullable(r.getPanicMessage()),
                sys(r.getSys()),
                Optional.ofNullable(r.getOops()).map(ResultDocuments::oops),
                r.getModules().stream().map(ModuleRow::getName).toList(),
                r.getLogRecords(),
                new Completeness(r.getSections().stream().map(ResultDocuments::section).toList()),
                ParserVersion.parse(r.getParserVersion()),
                timings(r.getTimings()),
                new Provenance(r.getArchitecture(), r.getAgentVersion(),
                        Optional.ofNullable(r.getTaint()).map(TaintFlags::getLetters),
                        r.getTaint() == null ? List.of() : r.getTaint().getFlags(), Optional.ofNullable(r.getHardware())),
                new TaskRows(r.getTasks().stream().map(ResultDocuments::task).toList(), r.getTasksOmitted()),
                r.getBacktraces().stream().map(ResultDocuments::trace).toList(),
                r.getBacktracesOmitted());
    }

    private static TaskRows.Row task(TaskRow t) {
        return new TaskRows.Row(t.getPid(), t.getPpid(), t.getTgid(), t.getCpu(), t.getTask(), t.getState(), t.getComm(),
                t.getActive(), t.getVszKib(), t.getRssKib());
    }

    private static TaskTrace trace(TaskBacktrace b) {
        return new TaskTrace(b.getRole().name().toLowerCase(Locale.ROOT), b.getCpu(), optionalLong(b.getPid()),
                optionalLong(b.getTgid()), Optional.ofNullable(b.getComm()), Optional.ofNullable(b.getTask()),
                Optional.ofNullable(b.getState()), b.getMethod().name().toLowerCase(Locale.ROOT),
                Optional.ofNullable(b.getStopReason()),
                b.getFrames().stream().map(f -> new TaskTrace.StackFrame(Optional.ofNullable(f.getFunction()),
                        optionalLong(f.getOffset()), optionalLong(f.getSize()), Optional.ofNullable(f.getModule()),
                        f.getAddress(), optionalLong(f.getStack()), f.getReliable())).toList(),
                b.getExceptionFrames().stream().map(e -> new TaskTrace.RegisterSet(e.getBeforeFrame(),
                        optionalLong(e.getAddress()), e.getUserMode(), e.getPartial(), registers(e.getRegisters())))
                        .toList());
    }

    /** Sorted by register name, so the same report always gives the same document bytes. */
    private static Map<String, Long> registers(Map<String, Long> m) {
        return new TreeMap<>(m);
    }

    /**
     * The line's time is boot time plus its printk timestamp when the dump tells the boot time;
     * else the crash time (the line happened before it, but no closer guess exists); else {@code now}.
     */
    public static KernelLogLineDocument logLine(KernelLogLine l, Instant now) {
        Instant timestamp = l.getBootTime() != null ? l.getBootTime().plusNanos(l.getUptimeNanos())
                : l.getCrashTime() != null ? l.getCrashTime() : now;
        return new KernelLogLineDocument(
                l.getDumpId(),
                l.getSequence(),
                timestamp,
                l.getUptimeNanos(),
                l.getLevel(),
                l.getFacility(),
                Optional.ofNullable(l.getCaller()),
                l.getText(),
                l.getSubsystem(),
                l.getDevice(),
                l.getHostname(),
                l.getKernelRelease(),
                ParserVersion.parse(l.getParserVersion()),
                Optional.ofNullable(l.getFirstSeen()).orElse(now),
                now,
                Optional.ofNullable(l.getCrashTime()).or(() -> Optional.ofNullable(l.getFirstSeen())).orElse(now));
    }

    private static SysFields sys(SysSummary s) {
        return new SysFields(
                s.getCpus(),
                s.getCpusOnline(),
                Optional.ofNullable(s.getDate()),
                s.getDateSource(),
                optionalLong(s.getUptimeSeconds()),
                optionalInt(s.getHz()),
                s.getLoadAverage(),
                s.getNodename(),
                s.getRelease(),
                s.getVersion(),
                s.getMachine(),
                optionalLong(s.getCpuMhz()),
                optionalLong(s.getMemoryBytes()),
                Optional.ofNullable(s.getPanic()),
                optionalInt(s.getTasks()),
                Optional.ofNullable(s.getPanicTask())
                        .map(t -> new PanicTask(t.getPid(), t.getComm(), t.getTask(), t.getCpu(), t.getState())));
    }

    private static OopsSummary oops(OopsReport o) {
        // The oops parser says "" when the title names no function; the document leaves it out.
        Optional<String> frame = Optional.ofNullable(o.getFrame()).filter(f -> !f.isEmpty());
        return new OopsSummary(o.getTitle(), o.getSignature(), o.getType(), frame, o.getCorrupted(), o.getReportCount());
    }

    private static Completeness.Section section(SectionStatus s) {
        return new Completeness.Section(s.getName(),
                s.getComplete() ? Completeness.Status.COMPLETE : Completeness.Status.PARTIAL, s.getNote(),
                s.getFields().stream().map(g -> new Completeness.Gap(g.getField(), g.getReason())).toList());
    }

    /** Every stage the report's timings name, read by the field {@link PipelineStage} gives it. */
    static Timings timings(ReportTimings t) {
        Map<PipelineStage, Instant> stages = new EnumMap<>(PipelineStage.class);
        for (PipelineStage stage : PipelineStage.values()) {
            stage.avroField().map(f -> t.getSchema().getField(f)).map(f -> t.get(f.pos()))
                    .ifPresent(v -> stages.put(stage, (Instant) v));
        }
        return new Timings(stages, Optional.ofNullable(t.getSealed()),
                OptionalLong.of(t.getAnalysisMillis()), OptionalInt.of(t.getPasses()), OptionalInt.of(t.getChunksSeen()));
    }

    private static OptionalLong optionalLong(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalInt optionalInt(Integer v) {
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }
}
