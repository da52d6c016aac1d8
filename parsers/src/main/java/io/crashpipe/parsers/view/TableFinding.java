package io.crashpipe.parsers.view;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * How one of the tables crashpipe reads instead of debug symbols (kallsyms, BTF, ORC) was found
 * in a dump, and how long finding it took.
 *
 * @param table "kallsyms", "BTF" or "ORC"
 * @param source where its location came from; for BTF and ORC, how the kallsyms that locate them was found
 * @param detail where the table is and what it holds, or why it is absent
 * @param elapsed wall-clock time spent finding (and, for kallsyms and BTF, decoding) it
 * @param cpu CPU time of the finding thread over the same span (wall time also counts waiting for a core)
 */
public record TableFinding(String table, Source source, String detail, Duration elapsed, Duration cpu) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public enum Source {
        /** VMCOREINFO names the table (kallsyms on 6.0+), or names the kallsyms that locates it. */
        VMCOREINFO,
        /** Found by scanning the kernel image, or located through kallsyms that the scan found. */
        SCAN,
        /** Not in the dump; {@code detail} says why. */
        ABSENT
    }

    public boolean found() {
        return source != Source.ABSENT;
    }

    /** {@code 12.3 ms (CPU 10.1 ms)}, for text output. */
    public String elapsedText() {
        return String.format("%.1f ms (CPU %.1f ms)", elapsed.toNanos() / 1e6, cpu.toNanos() / 1e6);
    }

    /** Starts timing a finding. */
    public static Stopwatch start() {
        return new Stopwatch(System.nanoTime(), threadCpu());
    }

    private static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /** Wall and CPU time since {@link #start()}. */
    public record Stopwatch(long wallStart, long cpuStart) {
        public TableFinding finish(String table, Source source, String detail) {
            return new TableFinding(table, source, detail, Duration.ofNanos(System.nanoTime() - wallStart),
                    Duration.ofNanos(Math.max(0, threadCpu() - cpuStart)));
        }
    }
}
