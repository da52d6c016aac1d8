package io.crashpipe.topology;

import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.extract.BacktraceSection;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.module.KernelModule;
import io.crashpipe.parsers.oops.CrashReport;
import io.crashpipe.parsers.oops.LogReports;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sys.SysTasks;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.FieldGap;
import io.crashpipe.schemas.results.ModuleRow;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.results.PanicTask;
import io.crashpipe.schemas.results.ReportTimings;
import io.crashpipe.schemas.results.SectionStatus;
import io.crashpipe.schemas.results.SysSummary;
import io.crashpipe.schemas.results.TaintFlags;
import io.crashpipe.schemas.results.TaskRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns the settled sections of one dump into its result events: one report, one line per log record. */
public final class ReportBuilder {
    /**
     * Task rows in one report at most: a report must stay one Kafka record (8 MiB) whatever the
     * host; rows run ~100 bytes, so this keeps the table under about 2 MiB.
     */
    public static final int MAX_TASK_ROWS = 20_000;

    private ReportBuilder() {}

    public record Report(io.crashpipe.schemas.results.CrashReport report, List<KernelLogLine> lines) {}

    public static Report build(DumpMetadata meta, AnalysisPass.Settled settled, DumpProgress progress,
            String parserVersion) {
        Optional<SystemSummary> sys = settled.value("sys", SystemSummary.class);
        Optional<TaskTable> tasks = present(settled, "ps", TaskTable.class);
        List<KernelModule> modules = present(settled, "mod", List.class).map(ReportBuilder::castModules)
                .orElse(List.of());
        Optional<KernelLog> log = settled.value("log", KernelLog.class);
        Optional<BacktraceSection> bt = settled.value("bt", BacktraceSection.class);
        Optional<CrashReport> firstOops = log.map(LogReports::of).filter(r -> !r.isEmpty()).map(r -> r.get(0));

        Utsname uts = sys.map(SystemSummary::uts).orElse(null);
        String release = uts != null ? uts.release() : headerRelease(meta);
        String version = uts != null ? uts.version() : "";
        Optional<Instant> crashTime = sys.flatMap(SystemSummary::date)
                .or(() -> Optional.ofNullable(meta.getHeader().getTimestamp()))
                // a container with no crash time (QEMU's dump converted by makedumpfile) stores 0
                .filter(t -> t.getEpochSecond() > 0);
        Optional<Instant> bootTime = crashTime.flatMap(t -> sys.flatMap(s -> s.uptimeSeconds().isPresent()
                ? Optional.of(t.minusSeconds(s.uptimeSeconds().getAsLong())) : Optional.empty()));

        List<KernelLogLine> lines = new ArrayList<>();
        log.ifPresent(l -> {
            for (LogRecord r : l.records()) {
                if (r.dataless()) {
                    continue;
                }
                lines.add(KernelLogLine.newBuilder().setDumpId(meta.getDumpId()).setParserVersion(parserVersion)
                        .setSequence(r.sequence()).setUptimeNanos(r.timestampNanos())
                        .setBootTime(bootTime.orElse(null)).setCrashTime(crashTime.orElse(null))
                        .setLevel(r.level()).setFacility(r.facility()).setCaller(r.caller().orElse(null))
                        .setText(r.textString()).setSubsystem(r.subsystem()).setDevice(r.device())
                        .setHostname(meta.getHost().getHostname()).setKernelRelease(release)
                        .setFirstSeen(Instant.ofEpochMilli(progress.firstSeenMillis())).build());
            }
        });

        List<TaskRow> taskRows = tasks.map(t -> taskRows(t, MAX_TASK_ROWS)).orElse(List.of());
        var report = io.crashpipe.schemas.results.CrashReport.newBuilder()
                .setDumpId(meta.getDumpId())
                .setParserVersion(parserVersion)
                .setHostname(meta.getHost().getHostname())
                .setMachineId(meta.getHost().getMachineId())
                .setSourcePath(meta.getSource().getPath())
                .setKernelRelease(release)
                .setKernelVersion(version)
                .setCrashTime(crashTime.orElse(null))
                .setPanicMessage(sys.flatMap(SystemSummary::panicMessage).orElse(null))
                .setSys(sysSummary(sys, tasks, meta))
                .setOops(log.flatMap(ReportBuilder::oops).orElse(null))
                .setTasks(taskRows)
                .setTasksOmitted(tasks.map(t -> t.tasks().size() - taskRows.size()).orElse(0))
                .setModules(modules.stream().map(m -> ModuleRow.newBuilder().setName(m.name())
                        .setBase("0x" + Long.toHexString(m.base())).setSize(m.size()).build()).toList())
                .setLogRecords(lines.size())
                .setSections(settled.sections().stream().map(ReportBuilder::status).toList())
                .setTimings(ReportTimings.newBuilder()
                        .setFirstSeen(Instant.ofEpochMilli(progress.firstSeenMillis()))
                        .setSealed(progress.sealed() ? Instant.ofEpochMilli(progress.sealedMillis()) : null)
                        .setAnalysisMillis(progress.analysisMillis())
                        .setPasses(progress.passes())
                        .setChunksSeen(progress.chunksSeen())
                        .setDetected(meta.getDetectedAt())
                        .setFileComplete(meta.getFileCompleteAt())
                        .setFirstByteSent(meta.getFirstByteSentAt())
                        .setAccepted(instant(progress.stages().acceptedMillis()))
                        .setFirstPass(instant(progress.stages().firstPassMillis()))
                        .setFirstReport(instant(progress.reportedMillis()))
                        .setReportComplete(settled.complete() ? instant(progress.reportedMillis()) : null).build())
                .setArchitecture(meta.getArchitecture())
                .setAgentVersion(meta.getHost().getAgentVersion())
                .setTaint(firstOops.flatMap(CrashReport::header).map(h -> TaintFlags.newBuilder()
                        .setLetters(h.taint().letters()).setFlags(h.taint().words()).build()).orElse(null))
                .setHardware(firstOops.map(CrashReport::hardware).filter(h -> !h.isEmpty()).orElse(null))
                .setBacktraces(bt.map(b -> BacktraceRows.of(b, tasks)).orElse(List.of()))
                .setBacktracesOmitted(bt.map(BacktraceSection::blockedOmitted).orElse(0))
                .build();
        return new Report(report, lines);
    }

    /** Sections that may legitimately have nothing (no BTF) give an Optional value. */
    private static <T> Optional<T> present(AnalysisPass.Settled s, String section, Class<T> type) {
        return s.value(section, Optional.class).flatMap(o -> (Optional<?>) o).filter(type::isInstance).map(type::cast);
    }

    @SuppressWarnings("unchecked")
    private static List<KernelModule> castModules(Object v) {
        return (List<KernelModule>) v;
    }

    private static String headerRelease(DumpMetadata meta) {
        return meta.getHeader().getUtsname() == null ? "" : meta.getHeader().getUtsname().getRelease();
    }

    private static SysSummary sysSummary(Optional<SystemSummary> sys, Optional<TaskTable> tasks, DumpMetadata meta) {
        SysSummary.Builder b = SysSummary.newBuilder();
        if (sys.isEmpty()) {
            var h = meta.getHeader().getUtsname();
            return b.setCpus(meta.getCpuNotes().size()).setCpusOnline(meta.getCpuNotes().size()).setDateSource("")
                    .setNodename(h == null ? "" : h.getNodename()).setRelease(h == null ? "" : h.getRelease())
                    .setVersion(h == null ? "" : h.getVersion()).setMachine(h == null ? "" : h.getMachine()).build();
        }
        SystemSummary s = sys.get();
        b.setCpus(s.cpus()).setCpusOnline(s.onlineCpus()).setDate(s.date().orElse(null)).setDateSource(s.dateSource())
                .setUptimeSeconds(s.uptimeSeconds().isPresent() ? s.uptimeSeconds().getAsLong() : null)
                .setHz(s.hz().isPresent() ? s.hz().getAsInt() : null)
                .setLoadAverage(s.avenrun().map(a -> java.util.Arrays.stream(a).mapToObj(v -> v / 2048.0).toList())
                        .orElse(List.of()))
                .setNodename(s.uts().nodename()).setRelease(s.uts().release()).setVersion(s.uts().version())
                .setMachine(s.uts().machine())
                .setCpuMhz(s.cpuKhz().isPresent() ? s.cpuKhz().getAsLong() / 1000 : null)
                .setMemoryBytes(s.memoryBytes().isPresent() ? s.memoryBytes().getAsLong() : null)
                .setPanic(s.panicMessage().orElse(null));
        tasks.map(SysTasks::of).ifPresent(t -> {
            b.setTasks(t.count());
            t.panicTask().ifPresent(p -> b.setPanicTask(PanicTask.newBuilder().setPid(p.pid()).setComm(p.comm())
                    .setTask("0x" + p.addressHex()).setCpu(p.cpu()).setState(p.state().crashCode()).build()));
        });
        return b.build();
    }

    private static Optional<OopsReport> oops(KernelLog log) {
        List<CrashReport> reports = LogReports.of(log);
        if (reports.isEmpty()) {
            return Optional.empty();
        }
        CrashReport first = reports.get(0);
        return Optional.of(OopsReport.newBuilder().setTitle(first.title()).setType(first.type().label())
                .setFrame(first.guiltyFrame().isEmpty() ? null : first.guiltyFrame())
                .setSignature(first.signature()).setCorrupted(first.corrupted()).setReportCount(reports.size())
                .build());
    }

    /** At most {@code cap} rows in ps order; the tasks running at the crash are always among them. */
    static List<TaskRow> taskRows(TaskTable table, int cap) {
        long othersAllowed = Math.max(0, cap - table.tasks().stream().filter(Task::active).count());
        List<TaskRow> rows = new ArrayList<>(Math.min(cap, table.tasks().size()));
        for (Task t : table.tasks()) {
            if (!t.active() && othersAllowed-- <= 0) {
                continue;
            }
            rows.add(TaskRow.newBuilder().setPid(t.pid()).setPpid(t.ppid()).setTgid(t.tgid()).setCpu(t.cpu())
                    .setTask("0x" + t.addressHex()).setState(t.state().crashCode()).setComm(t.displayComm())
                    .setActive(t.active()).setVszKib(t.vszKb()).setRssKib(t.rssPages() * (table.pageSize() / 1024))
                    .build());
        }
        return rows;
    }

    /** The reason that names a missing page, if any does (the most useful one to show), else the first. */
    private static String firstMissingPage(java.util.Collection<String> reasons) {
        return reasons.stream().filter(r -> r.contains("pfn 0x")).findFirst().orElse(reasons.iterator().next());
    }

    /** A section's status; a section with parts the dump could not give is partial and lists them as field gaps. */
    private static SectionStatus status(Outcome<?> o) {
        return switch (o) {
            case Outcome.Done<?> d when d.value() instanceof BacktraceSection b && !b.gaps().isEmpty() ->
                    new SectionStatus(d.section(), false, b.gaps().size() + " part(s) missing", b.gaps().stream()
                            .map(g -> new FieldGap(g.subject(), g.reason())).toList());
            case Outcome.Done<?> d when d.value() instanceof SystemSummary sys && !sys.completeness().unknown().isEmpty() ->
                    new SectionStatus(d.section(), false, sys.completeness().unknown().size() + " field(s) unknown: "
                            + firstMissingPage(sys.completeness().unknown().values()),
                            sys.completeness().unknown().entrySet().stream()
                                    .map(g -> new FieldGap(g.getKey(), g.getValue())).toList());
            case Outcome.Done<?> d when d.value() instanceof java.util.Optional<?> opt && opt.isEmpty() ->
                    new SectionStatus(d.section(), false, "not produced: the layouts it needs (BTF) could not be read",
                            List.of());
            case Outcome.Done<?> d -> new SectionStatus(d.section(), true, "", List.of());
            case Outcome.Incomplete<?> i -> new SectionStatus(i.section(), false, i.reason(), List.of());
            case Outcome.Waiting<?> w -> new SectionStatus(w.section(), false, "still waiting: " + w.missing().describe(),
                    List.of());
        };
    }

    /** A time the progress keeps as epoch milliseconds, -1 for unknown. */
    private static Instant instant(long millis) {
        return millis < 0 ? null : Instant.ofEpochMilli(millis);
    }
}
