package io.crashpipe.sink.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.results.SysSummary;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.doc.ParserVersion;
import io.crashpipe.sink.write.SinkDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultDocumentsTest {
    private static final Instant NOW = ResultEvents.CRASH_TIME.plusSeconds(70);

    @Test
    void aPartialReportNeverOutranksACompleteOneOfTheSameParserVersion() {
        CrashReport complete = ResultEvents.crashReport("d-61-41", "0.3.1");
        complete.getSections().forEach(x -> x.setComplete(true));
        CrashReport partial = CrashReport.newBuilder(complete).build();
        partial.getSections().get(0).setComplete(false);
        long c = ResultDocuments.crashReport(complete, NOW).toSinkDocument(SinkIndices.DEFAULT).version();
        long p = ResultDocuments.crashReport(partial, NOW).toSinkDocument(SinkIndices.DEFAULT).version();
        assertTrue(p < c, "a late partial replay at " + p + " below the complete report at " + c);
        CrashReport newerPartial = CrashReport.newBuilder(partial).setParserVersion("0.3.2").build();
        assertTrue(ResultDocuments.crashReport(newerPartial, NOW).toSinkDocument(SinkIndices.DEFAULT).version() > c,
                "a newer parser's result still supersedes");
        CrashReport lessComplete = CrashReport.newBuilder(partial).build();
        lessComplete.getSections().get(1).setComplete(false);
        assertTrue(ResultDocuments.crashReport(lessComplete, NOW).toSinkDocument(SinkIndices.DEFAULT).version() < p,
                "fewer complete sections never replace more of the same parser version");
        CrashReport olderComplete = CrashReport.newBuilder(complete).setParserVersion("0.3.0").build();
        assertTrue(ResultDocuments.crashReport(olderComplete, NOW).toSinkDocument(SinkIndices.DEFAULT).version() < p,
                "an older parser's result never replaces a newer one");
    }

    @Test
    void crashReportOfADebianSysrqCrashCarriesWhatAnSreSearchesFor() {
        CrashReport report = ResultEvents.crashReport("d-61-41", "0.3.1");
        SinkDocument doc = ResultDocuments.crashReport(report, NOW).toSinkDocument(SinkIndices.DEFAULT);
        assertEquals("crash-reports", doc.index());
        assertEquals("d-61-41", doc.id());
        assertEquals(ParserVersion.parse("0.3.1").ordinal() * 32 + doc.source().at("/crash/completeness/complete").size(),
                doc.version());

        ObjectNode s = doc.source();
        assertEquals("2025-11-20T09:14:27Z", s.at("/@timestamp").asText());
        assertEquals("2025-11-20T09:15:08Z", s.at("/event/created").asText(), "when the pipeline first read the dump");
        assertEquals(NOW.toString(), s.at("/event/ingested").asText());
        assertEquals("8.11.0", s.at("/ecs/version").asText());
        assertEquals("event", s.at("/event/kind").asText());
        assertEquals(List.of("host"), texts(s.at("/event/category")));
        assertEquals(List.of("end"), texts(s.at("/event/type")));
        assertEquals("kernel panic: sysrq triggered crash", s.at("/message").asText());
        assertEquals("db-07", s.at("/host/name").asText());
        assertEquals("db-07", s.at("/host/hostname").asText());
        assertEquals("0.3.0", s.at("/agent/version").asText());
        assertEquals(1432, s.at("/process/thread/id").asLong());
        assertEquals("panic", s.at("/error/type").asText());
        assertEquals(" panic+0x118/0x2f4\n ? _printk+0x68/0x83\n sysrq_handle_crash+0x16/0x20\n"
                + " __handle_sysrq.cold+0x44/0x11c\n write_sysrq_trigger+0x24/0x40\n"
                + " entry_SYSCALL_64_after_hwframe+0x6e/0xd8\n", s.at("/error/stack_trace").asText());
        assertEquals(ResultEvents.MACHINE_ID, s.at("/host/id").asText());
        assertEquals("x86_64", s.at("/host/architecture").asText());
        assertEquals("6.1.0-41-amd64", s.at("/host/os/kernel").asText());
        assertEquals(ResultEvents.SOURCE_PATH, s.at("/file/path").asText());
        assertEquals(1432, s.at("/process/pid").asLong());
        assertEquals("bash", s.at("/process/name").asText());
        assertEquals("Kernel panic - not syncing: sysrq triggered crash", s.at("/error/message").asText());

        JsonNode crash = s.get("crash");
        assertEquals("d-61-41", crash.at("/dump_id").asText());
        assertEquals("6.1.0-41-amd64", crash.at("/kernel/release").asText());
        assertEquals(ResultEvents.VERSION, crash.at("/kernel/version").asText());
        assertEquals("kernel panic: sysrq triggered crash", crash.at("/title").asText());
        assertEquals("panic", crash.at("/type").asText());
        assertEquals("sysrq_handle_crash", crash.at("/frame").asText());
        assertEquals(ResultEvents.SIGNATURE, crash.at("/signature").asText());
        assertFalse(crash.at("/report_corrupted").asBoolean(true));
        assertEquals(1, crash.at("/report_count").asInt());
        assertEquals(ResultEvents.MODULES, texts(crash.at("/modules")));
        assertEquals(1041, crash.at("/log_records").asLong());
        assertEquals("0.3.1", crash.at("/parser_version").asText());

        assertFalse(crash.at("/complete").asBoolean(true));
        assertEquals(List.of("sys", "ps", "log"), texts(crash.at("/completeness/complete")));
        assertEquals(List.of("mod"), texts(crash.at("/completeness/partial")));
        assertEquals("pfn 0x3c2f1 excluded by the dump filter (makedumpfile -d 31)",
                crash.at("/completeness/notes/mod").asText());

        JsonNode sys = crash.get("sys");
        assertEquals(4, sys.at("/cpus").asInt());
        assertEquals(1, sys.at("/cpus_online").asInt());
        assertEquals("CRASHTIME", sys.at("/date_source").asText());
        assertEquals(11_520, sys.at("/uptime_seconds").asLong());
        assertEquals(8L << 30, sys.at("/memory_bytes").asLong());
        assertEquals(0.31, sys.at("/load_average/1").asDouble());
        assertEquals(187, sys.at("/tasks").asInt());
        assertEquals(1432, sys.at("/panic_task/pid").asLong());
        assertEquals("bash", sys.at("/panic_task/comm").asText());
        assertEquals("0xffff8f0c45a9c000", sys.at("/panic_task/task").asText());
        assertEquals(2, sys.at("/panic_task/cpu").asInt());
        assertEquals("RU", sys.at("/panic_task/state").asText());

        JsonNode timings = crash.get("timings");
        assertEquals("2025-11-20T09:15:08Z", timings.at("/dump_appeared").asText(), "the topology's firstSeen");
        assertEquals("2025-11-20T09:15:30Z", timings.at("/sealed").asText());
        assertEquals(912, timings.at("/analysis_ms").asLong());
        assertEquals(4, timings.at("/passes").asInt());
        assertEquals(118, timings.at("/chunks_seen").asInt());
        assertEquals(29_000, timings.at("/report_after_ms").asLong());
        assertEquals("2025-11-20T09:15:07Z", timings.at("/detected").asText(), "the agent's detection, via the topology");
        assertEquals("2025-11-20T09:15:37Z", timings.at("/indexed").asText(), "when the sink wrote it");
        assertEquals(30_000, timings.at("/detected_to_indexed_ms").asLong());

        assertEquals(List.of(1L, 1432L), crash.get("tasks").findValues("pid").stream().map(JsonNode::asLong).toList());
        assertEquals("RU", crash.at("/tasks/1/state").asText());
        assertEquals(0, crash.at("/tasks_omitted").asInt());
        assertEquals("", crash.at("/taint/letters").asText());
        assertFalse(crash.at("/taint/tainted").asBoolean(true));
        assertTrue(crash.at("/hardware").asText().startsWith("QEMU Standard PC"));
        assertEquals("sysrq_handle_crash", crash.at("/backtrace/0/frame/2/function").asText());
        assertEquals("panic", crash.at("/backtrace/0/role").asText());
        assertEquals(1432, crash.at("/backtrace/0/tgid").asLong());
        assertFalse(crash.at("/backtrace/0/frame/1/reliable").asBoolean(true));
        assertEquals("000000000047b7a0", crash.at("/backtrace/0/exception/0/registers/rip").asText());
        assertEquals("panic", crash.at("/first_frame").asText());
        assertEquals(0, crash.at("/backtrace_omitted").asInt());
    }

    @Test
    void whatTheDumpCouldNotTellIsLeftOutAndTheTimestampFallsBackToCreated() {
        CrashReport full = ResultEvents.crashReport("d-bare", "0.3.1");
        CrashReport bare = CrashReport.newBuilder(full)
                .setCrashTime(null).setMachineId(null).setSourcePath(null).setPanicMessage(null)
                .setSys(SysSummary.newBuilder(full.getSys()).setDate(null).setUptimeSeconds(null).setHz(null)
                        .setCpuMhz(null).setMemoryBytes(null).setPanic(null).setTasks(null).setPanicTask(null).build())
                .setOops(null).setBacktraces(List.of()).setTaint(null).setHardware(null)
                .setModules(List.of())
                .build();
        ObjectNode s = ResultDocuments.crashReport(bare, NOW).toSource();

        assertEquals("2025-11-20T09:15:08Z", s.at("/@timestamp").asText(), "event.created: when the dump was first read");
        for (String absent : List.of("/host/id", "/file", "/process", "/error", "/crash/title", "/crash/frame",
                "/crash/modules", "/crash/sys/date", "/crash/sys/uptime_seconds", "/crash/sys/tasks",
                "/crash/sys/panic_task", "/crash/sys/panic")) {
            assertTrue(s.at(absent).isMissingNode(), absent + " should be absent: " + s.at(absent));
        }
    }

    @Test
    void anOopsWithoutGuiltyFunctionHasNoFrameField() {
        CrashReport full = ResultEvents.crashReport("d-noframe", "0.3.1");
        CrashReport r = CrashReport.newBuilder(full)
                .setOops(OopsReport.newBuilder(full.getOops()).setFrame("").setCorrupted(true).setReportCount(3).build())
                .build();
        JsonNode crash = ResultDocuments.crashReport(r, NOW).toSource().get("crash");
        assertTrue(crash.path("frame").isMissingNode());
        assertTrue(crash.at("/report_corrupted").asBoolean());
        assertEquals(3, crash.at("/report_count").asInt());
    }

    @Test
    void logLineTimeIsBootTimePlusUptimeElseCrashTimeElseCreated() {
        KernelLogLine line = ResultEvents.logLine("d-61-41", 1038, 11_519_874_512_033L, 0, ResultEvents.PANIC, "0.3.1");
        KernelLogLineDocument doc = ResultDocuments.logLine(line, NOW);
        assertEquals(Instant.parse("2025-11-20T09:14:26.874512033Z"), doc.timestamp());
        assertEquals("d-61-41:1038", doc.toSinkDocument(SinkIndices.DEFAULT).id());
        ObjectNode s = doc.toSource();
        assertEquals(ResultEvents.PANIC, s.at("/message").asText());
        assertEquals("emerg", s.at("/log/level").asText());
        assertEquals("kern", s.at("/log/syslog/facility/name").asText());
        assertEquals("T1432", s.at("/crash/log/caller").asText());
        assertEquals(11_519_874_512_033L, s.at("/crash/log/uptime_ns").asLong());
        assertEquals("6.1.0-41-amd64", s.at("/host/os/kernel").asText());
        assertTrue(s.at("/crash/log/subsystem").isMissingNode());

        KernelLogLine noBoot = KernelLogLine.newBuilder(line).setBootTime(null).build();
        assertEquals(ResultEvents.CRASH_TIME, ResultDocuments.logLine(noBoot, NOW).timestamp());
        KernelLogLine noTimes = KernelLogLine.newBuilder(noBoot).setCrashTime(null).build();
        assertEquals(NOW, ResultDocuments.logLine(noTimes, NOW).timestamp());
    }

    @Test
    void aParserVersionThatIsNoVersionIsRefused() {
        CrashReport r = ResultEvents.crashReport("d-bad", "main-SNAPSHOT");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ResultDocuments.crashReport(r, NOW));
        assertTrue(e.getMessage().contains("'main-SNAPSHOT'"), e.getMessage());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
