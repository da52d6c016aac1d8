package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.kernel.FieldOffsets;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reads the {@code sys} facts from kernel memory; symbols come from VMCOREINFO or kallsyms. */
public final class SystemSummaryReader {
    /** crash's panic-message patterns, in its order of preference. */
    private static final List<String> PANIC_PATTERNS = List.of(
            "SysRq : Crash", "SysRq : Trigger a crash", "SysRq : Netdump", "Kernel panic: ", "Kernel panic - ",
            "Kernel BUG at", "kernel BUG at", "Unable to handle kernel paging request",
            "Unable to handle kernel NULL pointer dereference", "BUG: unable to handle kernel ",
            "general protection fault: ", "double fault: ", "divide error: ", "stack segment: ",
            "[Hardware Error]: ", "Bad mode in ", "Oops: ");

    private final KernelView view;
    private final KernelMemory mem;
    private final Vmcoreinfo vi;

    private SystemSummaryReader(KernelView view) {
        this.view = view;
        this.mem = view.memory();
        this.vi = view.vmcoreinfo();
    }

    public static SystemSummary read(KernelView view, KernelLog log, FieldOffsets offsets) {
        return new SystemSummaryReader(view).read(log, offsets);
    }

    private SystemSummary read(KernelLog log, FieldOffsets offsets) {
        int nrCpuIds = view.symbol("nr_cpu_ids").isPresent() ? (int) mem.u32(view.requireSymbol("nr_cpu_ids")) : 64;
        BitSet present = cpumask("__cpu_present_mask", nrCpuIds);
        BitSet online = cpumask("__cpu_online_mask", nrCpuIds);
        int cpus = present.isEmpty() ? online.cardinality() : present.length();

        OptionalInt hz = hz();
        OptionalLong uptime = uptime(hz);
        Optional<Instant> date;
        String dateSource;
        if (vi.crashTime().isPresent()) {
            date = Optional.of(Instant.ofEpochSecond(vi.crashTime().getAsLong()));
            dateSource = "CRASHTIME";
        } else {
            OptionalLong tk = view.symbol("tk_core").isPresent()
                    ? TimekeeperClock.xtimeSec(mem, view.requireSymbol("tk_core"), offsets, uptime) : OptionalLong.empty();
            date = tk.isPresent() ? Optional.of(Instant.ofEpochSecond(tk.getAsLong())) : Optional.empty();
            dateSource = "tk_core.timekeeper.xtime_sec";
        }
        Optional<long[]> avenrun = view.symbol("avenrun").isPresent()
                ? Optional.of(longs(view.requireSymbol("avenrun"), 3)) : Optional.empty();
        long uts = vi.requireSymbol("init_uts_ns") + vi.offset("uts_namespace", "name").orElse(0);
        Utsname u = Utsname.read(mem.buffer(uts, Utsname.SIZE));
        OptionalLong khz = view.symbol("cpu_khz").isPresent()
                ? OptionalLong.of(mem.u32(view.requireSymbol("cpu_khz"))) : OptionalLong.empty();
        return new SystemSummary(cpus, online.cardinality(), date, dateSource, uptime, hz, avenrun, u, khz,
                presentMemory(), panicMessage(log));
    }

    private BitSet cpumask(String symbol, int bits) {
        OptionalLong at = view.symbol(symbol);
        if (at.isEmpty()) {
            return new BitSet();
        }
        return BitSet.valueOf(longs(at.getAsLong(), (bits + 63) / 64));
    }

    private long[] longs(long vaddr, int n) {
        ByteBuffer b = mem.buffer(vaddr, n * 8);
        long[] out = new long[n];
        b.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    /** HZ from {@code tick_nsec} (nanoseconds per tick, NTP-adjusted by a few ppm at most). */
    private OptionalInt hz() {
        OptionalLong at = view.symbol("tick_nsec");
        if (at.isEmpty()) {
            return OptionalInt.empty();
        }
        long tickNsec = mem.u64(at.getAsLong());
        return tickNsec <= 0 ? OptionalInt.empty() : OptionalInt.of((int) Math.round(1e9 / tickNsec));
    }

    /** jiffies_64 starts at INITIAL_JIFFIES, 300 s before the 32-bit wrap, to flush out wrap bugs early. */
    private OptionalLong uptime(OptionalInt hz) {
        OptionalLong at = view.symbol("jiffies_64");
        if (hz.isEmpty() || at.isEmpty()) {
            return OptionalLong.empty();
        }
        long initial = (-300L * hz.getAsInt()) & 0xffffffffL;
        return OptionalLong.of((mem.u64(at.getAsLong()) - initial) / hz.getAsInt());
    }

    /**
     * Sum of {@code node_present_pages} over the online NUMA nodes, as crash counts MEMORY.
     * VMCOREINFO has no key for that member, but it sits between {@code node_start_pfn} and
     * {@code node_spanned_pages}, which VMCOREINFO places; the offset is used only when those
     * two are exactly two longs apart.
     */
    private OptionalLong presentMemory() {
        OptionalLong start = vi.offset("pglist_data", "node_start_pfn");
        OptionalLong spanned = vi.offset("pglist_data", "node_spanned_pages");
        OptionalLong nodeData = vi.symbol("node_data");
        if (start.isEmpty() || spanned.isEmpty() || nodeData.isEmpty()
                || spanned.getAsLong() - start.getAsLong() != 16) {
            return OptionalLong.empty();
        }
        long presentOffset = start.getAsLong() + 8;
        int nodes = (int) vi.length("node_data").orElse(1);
        BitSet online = vi.symbol("node_online_map").isPresent()
                ? BitSet.valueOf(longs(vi.requireSymbol("node_online_map"), (nodes + 63) / 64)) : null;
        long pages = 0;
        long[] pgdats = longs(nodeData.getAsLong(), nodes);
        for (int n = 0; n < nodes; n++) {
            if (pgdats[n] != 0 && (online == null || online.get(n))) {
                pages += mem.u64(pgdats[n] + presentOffset);
            }
        }
        long pageSize = vi.pageSize().orElse(4096);
        return OptionalLong.of(pages * pageSize);
    }

    /** The first log line containing one of crash's patterns, trying the patterns in order. */
    static Optional<String> panicMessage(KernelLog log) {
        for (String pattern : PANIC_PATTERNS) {
            for (LogRecord r : log.records()) {
                for (String line : r.textString().split("\n")) {
                    if (line.contains(pattern)) {
                        return Optional.of(line.strip());
                    }
                }
            }
        }
        return Optional.empty();
    }
}
