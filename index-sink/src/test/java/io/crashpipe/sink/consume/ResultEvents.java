package io.crashpipe.sink.consume;

import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.ModuleRow;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.results.PanicTask;
import io.crashpipe.schemas.results.ReportTimings;
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
                        .setFirstSeen(CRASH_TIME.plusSeconds(41)).setSealed(CRASH_TIME.plusSeconds(63))
                        .setAnalysisMillis(912).setPasses(4).setChunksSeen(118).build())
                .build();
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
