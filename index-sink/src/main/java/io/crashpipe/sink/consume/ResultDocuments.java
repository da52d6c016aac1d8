package io.crashpipe.sink.consume;

import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.ModuleRow;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.results.ReportTimings;
import io.crashpipe.schemas.results.SectionStatus;
import io.crashpipe.schemas.results.SysSummary;
import io.crashpipe.sink.doc.Completeness;
import io.crashpipe.sink.doc.CrashReportDocument;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.doc.OopsSummary;
import io.crashpipe.sink.doc.PanicTask;
import io.crashpipe.sink.doc.ParserVersion;
import io.crashpipe.sink.doc.SysFields;
import io.crashpipe.sink.doc.Timings;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The result events of the topology as the documents the sink indexes. Pure mapping: Avro's
 * nulls become empty optionals, so absent values are left out of the document instead of being
 * indexed as null. The task table is not indexed (it can hold thousands of rows per dump); its
 * size and the panicking task are.
 */
public final class ResultDocuments {
    private ResultDocuments() {}

    /**
     * @param now when the sink produced the document ({@code event.created})
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
                timings(r.getTimings()));
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
                now);
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
                s.getComplete() ? Completeness.Status.COMPLETE : Completeness.Status.PARTIAL, s.getNote());
    }

    private static Timings timings(ReportTimings t) {
        return new Timings(Optional.ofNullable(t.getFirstSeen()), Optional.ofNullable(t.getSealed()),
                OptionalLong.of(t.getAnalysisMillis()), OptionalInt.of(t.getPasses()), OptionalInt.of(t.getChunksSeen()));
    }

    private static OptionalLong optionalLong(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalInt optionalInt(Integer v) {
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }
}
