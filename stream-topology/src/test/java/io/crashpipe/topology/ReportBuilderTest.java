package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.SectionStatus;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {

    private static ReportBuilder.Report reportOf(Path file) throws Exception {
        try (Dump dump = Dumps.open(file)) {
            DumpMetadata meta = MetadataBuilder.build(DumpId.of(file), FoundDump.single(file), dump, "test");
            AnalysisPass.Result r = AnalysisPass.run(meta.getVmcoreinfo(), CpuNotes.of(meta), new DumpMemory(dump),
                    io.crashpipe.parsers.extract.Sections.ALL);
            AnalysisPass.Settled settled = assertInstanceOf(AnalysisPass.Settled.class, r);
            DumpProgress p = new DumpProgress(1000, 2000, true, new BitSet(), 3, 1500, -1, 2, 42, -1, -1);
            return ReportBuilder.build(meta, settled, p, "1.2.3");
        }
    }

    @Test
    void aSysrqPanicOn612GivesAFullReportWithTheKernelsOwnFields() throws Exception {
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        ReportBuilder.Report report = reportOf(file);
        CrashReport r = report.report();
        assertEquals("6.12.117+deb12-amd64", r.getKernelRelease());
        assertEquals("6.12.117+deb12-amd64", r.getSys().getRelease());
        assertEquals("Kernel panic - not syncing: sysrq triggered crash", r.getPanicMessage());
        assertEquals(2, r.getSys().getCpus());
        assertEquals("1.2.3", r.getParserVersion());
        assertEquals(List.of("sys", "ps", "mod", "log", "bt"), r.getSections().stream().map(SectionStatus::getName).toList());
        assertTrue(r.getSections().stream().allMatch(SectionStatus::getComplete), r.getSections().toString());
        assertTrue(r.getOops().getTitle().contains("sysrq"), r.getOops().getTitle());
        assertEquals(r.getSys().getTasks(), r.getTasks().size());
        assertEquals(0, r.getTasksOmitted());
        assertEquals(2, r.getTimings().getPasses());
        assertEquals(42, r.getTimings().getAnalysisMillis());
    }

    @Test
    void theReportCarriesTheAgentsTheGatewaysAndTheTopologysStageTimes() throws Exception {
        Path file = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
        try (Dump dump = Dumps.open(file)) {
            DumpMetadata meta = MetadataBuilder.build(DumpId.of(file), FoundDump.single(file), dump, "test");
            meta.setFileCompleteAt(java.time.Instant.ofEpochMilli(900));
            meta.setDetectedAt(java.time.Instant.ofEpochMilli(950));
            meta.setFirstByteSentAt(java.time.Instant.ofEpochMilli(980));
            AnalysisPass.Settled settled = assertInstanceOf(AnalysisPass.Settled.class, AnalysisPass.run(
                    meta.getVmcoreinfo(), CpuNotes.of(meta), new DumpMemory(dump), io.crashpipe.parsers.extract.Sections.ALL));
            DumpProgress p = DumpProgress.start(1000).acceptedAt(990).passStartedAt(1010).passStartedAt(1500)
                    .afterPass(30, -1).reportedAt(2000, false);
            assertEquals(p, DumpProgress.decode(p.encode()), "the stage times survive the progress store");
            var t = ReportBuilder.build(meta, settled, p, "1.2.3").report().getTimings();
            assertEquals(List.of(900L, 950L, 980L, 990L, 1000L, 1010L, 2000L, 2000L),
                    java.util.stream.Stream.of(t.getFileComplete(), t.getDetected(), t.getFirstByteSent(), t.getAccepted(),
                            t.getFirstSeen(), t.getFirstPass(), t.getFirstReport(), t.getReportComplete())
                            .map(java.time.Instant::toEpochMilli).toList(),
                    "the first pass is the first one; a complete report is complete when it goes out");
        }
    }

    @Test
    void everyNonEmptyLogRecordBecomesOneLineWithItsSequenceAndText() throws Exception {
        Path file = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
        ReportBuilder.Report report = reportOf(file);
        try (Dump dump = Dumps.open(file)) {
            var x = new io.crashpipe.parsers.extract.Extraction(io.crashpipe.parsers.view.KernelView.of(dump));
            List<LogRecord> records = x.require(io.crashpipe.parsers.extract.KernelLogExtractor.INSTANCE).records()
                    .stream().filter(rec -> !rec.dataless()).toList();
            assertEquals(records.size(), report.lines().size());
            assertEquals(records.size(), report.report().getLogRecords());
            KernelLogLine last = report.lines().get(report.lines().size() - 1);
            assertEquals(records.get(records.size() - 1).sequence(), last.getSequence());
            assertEquals(records.get(records.size() - 1).textString(), last.getText());
            SystemSummary sys = x.require(io.crashpipe.parsers.extract.SystemSummaryExtractor.INSTANCE);
            assertEquals(sys.date().orElseThrow().minusSeconds(sys.uptimeSeconds().getAsLong()), last.getBootTime());
        }
    }

    @Test
    void aCappedTaskTableKeepsTheTasksRunningAtTheCrashInPsOrder() throws Exception {
        Path file = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
        try (Dump dump = Dumps.open(file)) {
            var x = new io.crashpipe.parsers.extract.Extraction(io.crashpipe.parsers.view.KernelView.of(dump));
            var table = x.require(io.crashpipe.parsers.extract.TaskTableExtractor.INSTANCE).orElseThrow();
            List<io.crashpipe.schemas.results.TaskRow> rows = ReportBuilder.taskRows(table, 5);
            assertEquals(5, rows.size());
            long active = table.tasks().stream().filter(io.crashpipe.parsers.sched.Task::active).count();
            assertEquals(active, rows.stream().filter(io.crashpipe.schemas.results.TaskRow::getActive).count());
            assertTrue(active >= 1);
            List<Long> pids = rows.stream().map(io.crashpipe.schemas.results.TaskRow::getPid).toList();
            List<Long> order = table.tasks().stream().map(t -> (long) t.pid()).filter(pids::contains).distinct().toList();
            assertEquals(order, pids.stream().distinct().toList(), "ps order kept");
            assertEquals(table.tasks().size(), ReportBuilder.taskRows(table, ReportBuilder.MAX_TASK_ROWS).size());
        }
    }

    @Test
    void progressSurvivesItsChangelogEncoding() {
        BitSet chunks = new BitSet();
        chunks.set(0);
        chunks.set(77);
        DumpProgress p = new DumpProgress(1, 2, true, chunks, 2, 3, 0x1234, 5, 600, 7, -1);
        assertEquals(p, DumpProgress.decode(p.encode()));
        assertTrue(p.finished());
        assertEquals(2, p.chunksSeen());
    }
}
