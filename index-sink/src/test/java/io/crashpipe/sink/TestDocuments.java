package io.crashpipe.sink;

import io.crashpipe.sink.doc.Completeness;
import io.crashpipe.sink.doc.CrashReportDocument;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.doc.OopsSummary;
import io.crashpipe.sink.doc.PanicTask;
import io.crashpipe.sink.doc.ParserVersion;
import io.crashpipe.sink.doc.Provenance;
import io.crashpipe.sink.doc.SysFields;
import io.crashpipe.sink.doc.TaskRows;
import io.crashpipe.sink.doc.TaskTrace;
import io.crashpipe.sink.doc.Timings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        return crashReport(dumpId, parserVersion, new Completeness(List.of(
                new Completeness.Section("log", Completeness.Status.COMPLETE, ""),
                new Completeness.Section("sys", Completeness.Status.PARTIAL, "tasks: not extracted yet"))));
    }

    /** The five sections of a report, the first {@code complete} of them complete, the rest partial. */
    public static Completeness sections(int complete) {
        List<String> names = List.of("sys", "ps", "mod", "log", "bt");
        return new Completeness(java.util.stream.IntStream.range(0, names.size()).mapToObj(i -> i < complete
                ? new Completeness.Section(names.get(i), Completeness.Status.COMPLETE, "")
                : new Completeness.Section(names.get(i), Completeness.Status.PARTIAL, "pfn 0x1f2e3 excluded")).toList());
    }

    public static CrashReportDocument crashReport(String dumpId, String parserVersion, Completeness completeness) {
        SysFields sys = new SysFields(2, 1, Optional.of(CRASH_TIME), "CRASHTIME", OptionalLong.of(7), OptionalInt.of(250),
                List.of(0.16, 0.03, 0.01), HOST, RELEASE, VERSION, "x86_64", OptionalLong.of(2596),
                OptionalLong.of(1L << 30), Optional.of(PANIC), OptionalInt.of(4),
                Optional.of(new PanicTask(1, "init", "0xffff8ac441200000", 1, "RU")));
        Timings timings = new Timings(Optional.of(CRASH_TIME.plusSeconds(40)), Optional.of(CRASH_TIME.plusSeconds(52)),
                OptionalLong.of(830), OptionalInt.of(3), OptionalInt.of(41));
        OopsSummary oops = new OopsSummary(PANIC, "panic:sysrq triggered crash", "panic", Optional.of("sysrq_handle_crash"),
                false, 1);
        return new CrashReportDocument(dumpId, Optional.of(CRASH_TIME), CRASH_TIME.plusSeconds(55), HOST,
                Optional.of("5f0e1c2d3b4a59687766554433221100"), Optional.of("/var/crash/202611221456/dump.202611221456"),
                RELEASE, VERSION, Optional.of(PANIC), sys, Optional.of(oops), List.of("qemu_fw_cfg"), 377,
                completeness, ParserVersion.parse(parserVersion), timings,
                new Provenance("x86_64", "0.1.0", Optional.of(""), List.of(),
                        Optional.of("QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014")),
                new TaskRows(List.of(new TaskRows.Row(1, 0, 1, 1, "0xffff8ac441200000", "RU", "init", true, 1024, 512)), 0),
                List.of(panicTrace()), 0);
    }

    /** The panic task's frames as the fixture's kernel printed them (dmesg.makedumpfile.txt, Call Trace). */
    public static TaskTrace panicTrace() {
        List<TaskTrace.StackFrame> frames = List.of(
                frame("panic", 0x118, 0x2f4, false, 0xffffffff88601dedL),
                frame("sysrq_handle_crash", 0x16, 0x20, true, 0xffffffff88290926L),
                frame("__handle_sysrq.cold", 0x44, 0x11c, true, 0xffffffff886301e8L),
                frame("write_sysrq_trigger", 0x24, 0x40, true, 0xffffffff88291274L),
                frame("proc_reg_write", 0x56, 0xa0, true, 0xffffffff880058d6L),
                frame("vfs_write", 0xc7, 0x3f0, true, 0xffffffff87f67227L),
                frame("ksys_write", 0x6b, 0xf0, true, 0xffffffff87f676ebL),
                frame("do_syscall_64", 0x5d, 0xb0, true, 0xffffffff88643e1dL),
                frame("entry_SYSCALL_64_after_hwframe", 0x6e, 0xd8, true, 0xffffffff88800126L));
        return new TaskTrace("panic", 1, OptionalLong.of(1), OptionalLong.of(1), Optional.of("init"),
                Optional.of("0xffff8ac441200000"), Optional.of("RU"), "orc", Optional.empty(), frames,
                List.of(new TaskTrace.RegisterSet(9, OptionalLong.of(0xffffd0db80013f58L), true, false,
                        Map.of("rip", 0x47b7a0L, "rsp", 0x7ffe07030ef8L))));
    }

    private static TaskTrace.StackFrame frame(String fn, long offset, long size, boolean reliable, long address) {
        return new TaskTrace.StackFrame(Optional.of(fn), OptionalLong.of(offset), OptionalLong.of(size), Optional.empty(),
                address, OptionalLong.of(0xffffd0db80013d30L), reliable);
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
