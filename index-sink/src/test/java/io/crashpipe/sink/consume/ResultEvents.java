package io.crashpipe.sink.consume;

import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.ModuleRow;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.results.PanicTask;
import io.crashpipe.schemas.results.BacktraceRole;
import io.crashpipe.schemas.results.ExceptionRegisters;
import io.crashpipe.schemas.results.ReportTimings;
import io.crashpipe.schemas.results.StackFrame;
import io.crashpipe.schemas.results.TaintFlags;
import io.crashpipe.schemas.results.TaskBacktrace;
import io.crashpipe.schemas.results.UnwindMethod;
import io.crashpipe.schemas.results.SectionStatus;
import io.crashpipe.schemas.results.SysSummary;
import io.crashpipe.schemas.results.TaskRow;
import java.time.Instant;
import java.util.List;

/**
 * Result events as the topology emits them for a sysrq crash of a stock Debian bookworm kernel
 * (6.1.0-41-amd64) on a 4-CPU, 8 GiB host: every optional field set, one section partial.
 */
public final class ResultEvents {
    public static final String RELEASE = "6.1.0-41-amd64";
    public static final String VERSION = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)";
    public static final String PANIC = "Kernel panic - not syncing: sysrq triggered crash";
    public static final String HOST = "db-07";
    public static final String MACHINE_ID = "8c1f3e2a9b7d4c6e8f0a1b2c3d4e5f60";
    public static final String SOURCE_PATH = "/var/crash/202511200914/dump.202511200914";
    public static final Instant CRASH_TIME = Instant.parse("2025-11-20T09:14:27Z");
    /** 3 h 12 min of uptime before the crash. */
    public static final Instant BOOT_TIME = CRASH_TIME.minusSeconds(11_520);
    public static final String SIGNATURE = "5c0b4bd1f0e8a7a39c1e27d4f0b6a8e2";
    public static final List<String> MODULES = List.of("nft_chain_nat", "nf_nat", "ext4", "virtio_net", "virtio_blk");

    static {
        // Copying builders (newBuilder(event)) deep-copy through Avro, which trusts only listed packages.
        EventTypes.trust();
    }

    private ResultEvents() {}

    public static CrashReport crashReport(String dumpId, String parserVersion) {
        return CrashReport.newBuilder()
                .setDumpId(dumpId)
                .setParserVersion(parserVersion)
                .setHostname(HOST)
                .setMachineId(MACHINE_ID)
                .setSourcePath(SOURCE_PATH)
                .setKernelRelease(RELEASE)
                .setKernelVersion(VERSION)
                .setCrashTime(CRASH_TIME)
                .setPanicMessage(PANIC)
                .setSys(SysSummary.newBuilder()
                        .setCpus(4).setCpusOnline(1)
                        .setDate(CRASH_TIME).setDateSource("CRASHTIME")
                        .setUptimeSeconds(11_520L).setHz(250)
                        .setLoadAverage(List.of(0.42, 0.31, 0.2))
                        .setNodename(HOST).setRelease(RELEASE).setVersion(VERSION).setMachine("x86_64")
                        .setCpuMhz(2596L).setMemoryBytes(8L << 30)
                        .setPanic(PANIC)
                        .setTasks(187)
                        .setPanicTask(PanicTask.newBuilder().setPid(1432).setComm("bash")
                                .setTask("0xffff8f0c45a9c000").setCpu(2).setState("RU").build())
                        .build())
                .setOops(OopsReport.newBuilder()
                        .setTitle("kernel panic: sysrq triggered crash").setType("panic")
                        .setFrame("sysrq_handle_crash").setSignature(SIGNATURE)
                        .setCorrupted(false).setReportCount(1).build())
                .setTasks(List.of(
                        task(1, 0, "systemd", false, "IN"),
                        task(1432, 1398, "bash", true, "RU")))
                .setModules(MODULES.stream()
                        .map(m -> ModuleRow.newBuilder().setName(m).setBase("0xffffffffc0a00000").setSize(61_440).build())
                        .toList())
                .setLogRecords(1041)
                .setSections(List.of(
                        section("sys", true, ""),
                        section("ps", true, ""),
                        section("mod", false, "pfn 0x3c2f1 excluded by the dump filter (makedumpfile -d 31)"),
                        section("log", true, "")))
                .setTimings(ReportTimings.newBuilder()
                        .setDetected(CRASH_TIME.plusSeconds(40))
                        .setFirstSeen(CRASH_TIME.plusSeconds(41)).setSealed(CRASH_TIME.plusSeconds(63))
                        .setAnalysisMillis(912).setPasses(4).setChunksSeen(118).build())
                .setArchitecture("x86_64")
                .setAgentVersion("0.3.0")
                .setTaint(TaintFlags.newBuilder().setLetters("").setFlags(List.of()).build())
                .setHardware("QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014")
                .setBacktraces(List.of(panicTrace()))
                .build();
    }

    /** The bash that wrote 'c' to /proc/sysrq-trigger, as the topology unwinds it (6.1's sysrq path). */
    public static TaskBacktrace panicTrace() {
        return TaskBacktrace.newBuilder()
                .setRole(BacktraceRole.PANIC).setCpu(2).setPid(1432L).setTgid(1432L).setComm("bash")
                .setTask("0xffff8f0c45a9c000").setState("RU").setMethod(UnwindMethod.ORC)
                .setFrames(List.of(
                        frame("panic", 0x118, 0x2f4, true, 0xffffffffb9e01f99L),
                        frame("_printk", 0x68, 0x83, false, 0xffffffffb9e04a28L),
                        frame("sysrq_handle_crash", 0x16, 0x20, true, 0xffffffffb9a90926L),
                        frame("__handle_sysrq.cold", 0x44, 0x11c, true, 0xffffffffb9e301e8L),
                        frame("write_sysrq_trigger", 0x24, 0x40, true, 0xffffffffb9a91274L),
                        frame("entry_SYSCALL_64_after_hwframe", 0x6e, 0xd8, true, 0xffffffffba000126L)))
                .setExceptionFrames(List.of(ExceptionRegisters.newBuilder().setBeforeFrame(6).setAddress(0xffffcf9c00013f58L)
                        .setUserMode(true).setRegisters(java.util.Map.of("rip", 0x47b7a0L, "rsp", 0x7ffe4c2e4628L)).build()))
                .build();
    }

    private static StackFrame frame(String function, long offset, long size, boolean reliable, long address) {
        return StackFrame.newBuilder().setFunction(function).setOffset(offset).setSize(size).setAddress(address)
                .setStack(0xffffcf9c00013b90L).setReliable(reliable).build();
    }

    /** A line of that dump's log, with the boot time the dump tells. */
    public static KernelLogLine logLine(String dumpId, long sequence, long uptimeNanos, int level, String text,
            String parserVersion) {
        return KernelLogLine.newBuilder()
                .setDumpId(dumpId)
                .setParserVersion(parserVersion)
                .setSequence(sequence)
                .setUptimeNanos(uptimeNanos)
                .setBootTime(BOOT_TIME)
                .setCrashTime(CRASH_TIME)
                .setLevel(level)
                .setFacility(0)
                .setCaller("T1432")
                .setText(text)
                .setHostname(HOST)
                .setKernelRelease(RELEASE)
                .setFirstSeen(CRASH_TIME.plusSeconds(41))
                .build();
    }

    private static TaskRow task(long pid, long ppid, String comm, boolean active, String state) {
        return TaskRow.newBuilder().setPid(pid).setPpid(ppid).setTgid(pid).setCpu(active ? 2 : 0)
                .setTask("0xffff8f0c4" + Long.toHexString(0x1000000L + pid)).setState(state).setComm(comm)
                .setActive(active).build();
    }

    private static SectionStatus section(String name, boolean complete, String note) {
        return SectionStatus.newBuilder().setName(name).setComplete(complete).setNote(note).build();
    }
}
