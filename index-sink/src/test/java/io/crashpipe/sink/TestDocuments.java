package io.crashpipe.sink;

import io.crashpipe.sink.doc.Completeness;
import io.crashpipe.sink.doc.CrashReportDocument;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.doc.OopsSummary;
import io.crashpipe.sink.doc.PanicTask;
import io.crashpipe.sink.doc.ParserVersion;
import io.crashpipe.sink.doc.SysFields;
import io.crashpipe.sink.doc.Timings;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Documents carrying the values of the 6.1-kdump-sysrq fixture as crash's {@code sys} and
 * makedumpfile's dmesg print them (ground-truth/crash/sys.txt, dmesg.makedumpfile.txt).
 */
public final class TestDocuments {
    public static final Instant CRASH_TIME = Instant.parse("2026-11-22T14:56:44Z");
    public static final String RELEASE = "6.1.0-56-amd64";
    public static final String VERSION = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)";
    public static final String PANIC = "Kernel panic - not syncing: sysrq triggered crash";
    public static final String HOST = "vmcore-lab";

    private TestDocuments() {}

    public static CrashReportDocument crashReport(String dumpId, String parserVersion) {
        SysFields sys = new SysFields(2, 1, Optional.of(CRASH_TIME), "CRASHTIME", OptionalLong.of(7), OptionalInt.of(250),
                List.of(0.16, 0.03, 0.01), HOST, RELEASE, VERSION, "x86_64", OptionalLong.of(2596),
                OptionalLong.of(1L << 30), Optional.of(PANIC), OptionalInt.of(4),
                Optional.of(new PanicTask(1, "init", "0xffff8ac441200000", 1, "RU")));
        Completeness completeness = new Completeness(List.of(
                new Completeness.Section("log", Completeness.Status.COMPLETE, ""),
                new Completeness.Section("sys", Completeness.Status.PARTIAL, "tasks: not extracted yet")));
        Timings timings = new Timings(Optional.of(CRASH_TIME.plusSeconds(40)), Optional.of(CRASH_TIME.plusSeconds(52)),
                OptionalLong.of(830), OptionalInt.of(3), OptionalInt.of(41));
        OopsSummary oops = new OopsSummary(PANIC, "panic:sysrq triggered crash", "panic", Optional.of("sysrq_handle_crash"),
                false, 1);
        return new CrashReportDocument(dumpId, Optional.of(CRASH_TIME), CRASH_TIME.plusSeconds(55), HOST,
                Optional.of("5f0e1c2d3b4a59687766554433221100"), Optional.of("/var/crash/202611221456/dump.202611221456"),
                RELEASE, VERSION, Optional.of(PANIC), sys, Optional.of(oops), List.of("qemu_fw_cfg"), 377,
                completeness, ParserVersion.parse(parserVersion), timings);
    }

    /** Lines 375-377 of the fixture's dmesg: the trigger, the panic, the CPU line. */
    public static List<KernelLogLineDocument> logLines(String dumpId, String parserVersion) {
        return List.of(
                line(dumpId, 374, 8_125_492_000L, 6, "sysrq: Trigger a crash", parserVersion),
                line(dumpId, 375, 8_125_779_000L, 0, PANIC, parserVersion),
                line(dumpId, 376, 8_126_036_000L, 4,
                        "CPU: 1 PID: 1 Comm: init Kdump: loaded Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2",
                        parserVersion));
    }

    private static KernelLogLineDocument line(String dumpId, long seq, long uptimeNs, int level, String text,
            String parserVersion) {
        Instant boot = CRASH_TIME.minusSeconds(8);
        return new KernelLogLineDocument(dumpId, seq, boot.plusNanos(uptimeNs), uptimeNs, level, 0, Optional.of("T1"),
                text, "", "", HOST, RELEASE, ParserVersion.parse(parserVersion), CRASH_TIME.plusSeconds(55));
    }
}
