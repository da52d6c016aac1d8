package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfFieldOffsets;
import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.kernel.FieldOffsets;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.LogRecord;
import io.crashpipe.parsers.sys.SystemSummary.CpuCount;
import io.crashpipe.parsers.sys.SystemSummary.LoadAverage;
import io.crashpipe.parsers.sys.SystemSummary.WallClock;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code sys} facts from kernel memory, each on its own: symbols from VMCOREINFO or
 * kallsyms, member offsets from VMCOREINFO or BTF, never assumed. A field that cannot be read
 * is an unknown {@link Fact} with its reason and the others are still read.
 */
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
    private final Fact<Btf> btf;
    private final FieldOffsets offsets;

    private SystemSummaryReader(KernelView view, Fact<Btf> btf) {
        this.view = view;
        this.mem = view.memory();
        this.vi = view.vmcoreinfo();
        this.btf = btf;
        FieldOffsets o = FieldOffsets.of(vi);
        this.offsets = btf.isKnown() ? o.orElse(new BtfFieldOffsets(btf.orElse(null))) : o;
    }

    /**
     * @param log the kernel log, or why it could not be read (the panic line is then unknown)
     * @param btf the kernel's BTF (layouts VMCOREINFO does not publish), or why there is none
     */
    public static SystemSummary read(KernelView view, Fact<KernelLog> log, Fact<Btf> btf) {
        return new SystemSummaryReader(view, btf).read(log);
    }

    private SystemSummary read(Fact<KernelLog> log) {
        Fact<Integer> hz = TickRate.read(view, btf, log);
        Fact<Long> uptime = hz.flatMap(this::uptime);
        return new SystemSummary(
                Fact.readFact(this::cpuCount),
                clock(),
                hz,
                uptime,
                Fact.read(() -> {
                    long[] a = longs(view.requireSymbol("avenrun"), 3);
                    return new LoadAverage(a[0], a[1], a[2]);
                }),
                Fact.readFact(this::utsname),
                Fact.read(() -> mem.u32(view.requireSymbol("cpu_khz"))),
                Fact.readFact(this::presentMemory),
                log.flatMap(SystemSummaryReader::panicFact));
    }

    private Fact<CpuCount> cpuCount() {
        int nrCpuIds = (int) mem.u32(view.requireSymbol("nr_cpu_ids"));
        if (nrCpuIds <= 0 || nrCpuIds > 1 << 16) {
            return Fact.unknown("nr_cpu_ids is " + nrCpuIds + ", not a CPU count");
        }
        BitSet present = cpumask("__cpu_present_mask", nrCpuIds);
        BitSet online = cpumask("__cpu_online_mask", nrCpuIds);
        return Fact.known(new CpuCount(present.length(), online.cardinality()));
    }

    /** CRASHTIME when the dumping kernel wrote one (kdump), else the timekeeper's wall clock. */
    private Fact<WallClock> clock() {
        if (vi.crashTime().isPresent()) {
            return Fact.known(new WallClock(Instant.ofEpochSecond(vi.crashTime().getAsLong()), "CRASHTIME"));
        }
        return TimekeeperClock.read(view, btf);
    }

    private Fact<Utsname> utsname() {
        long ns = view.requireSymbol("init_uts_ns");
        var name = offsets.offset("uts_namespace", "name");
        if (name.isEmpty()) {
            return Fact.unknown("the offset of uts_namespace.name is in neither VMCOREINFO nor BTF");
        }
        return Fact.known(Utsname.read(mem.buffer(ns + name.getAsLong(), Utsname.SIZE)));
    }

    private BitSet cpumask(String symbol, int bits) {
        return BitSet.valueOf(longs(view.requireSymbol(symbol), (bits + 63) / 64));
    }

    private long[] longs(long vaddr, int n) {
        ByteBuffer b = mem.buffer(vaddr, n * 8);
        long[] out = new long[n];
        b.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    /** jiffies_64 starts at INITIAL_JIFFIES, 300 s before the 32-bit wrap, to flush out wrap bugs early. */
    private Fact<Long> uptime(int hz) {
        return Fact.read(() -> {
            long initial = (-300L * hz) & 0xffffffffL;
            return (mem.u64(view.requireSymbol("jiffies_64")) - initial) / hz;
        });
    }

    /**
     * Sum of {@code node_present_pages} over the online NUMA nodes, as crash counts MEMORY
     * ({@code node_data[]} on NUMA kernels, the one {@code contig_page_data} otherwise).
     */
    private Fact<Long> presentMemory() {
        var present = offsets.offset("pglist_data", "node_present_pages");
        if (present.isEmpty()) {
            return Fact.unknown("the offset of pglist_data.node_present_pages is in neither VMCOREINFO nor BTF");
        }
        long pages = 0;
        if (view.symbol("node_data").isEmpty() && view.symbol("contig_page_data").isPresent()) {
            pages = mem.u64(view.requireSymbol("contig_page_data") + present.getAsLong());
        } else {
            int nodes = (int) vi.length("node_data").orElse(1);
            BitSet online = BitSet.valueOf(longs(view.requireSymbol("node_online_map"), (nodes + 63) / 64));
            long[] pgdats = longs(view.requireSymbol("node_data"), nodes);
            for (int n = 0; n < nodes; n++) {
                if (pgdats[n] != 0 && online.get(n)) {
                    pages += mem.u64(pgdats[n] + present.getAsLong());
                }
            }
        }
        return Fact.known(pages * vi.pageSize().orElse(4096));
    }

    /**
     * The panic line, or unknown when the log failed its own checks and has none: the line may be
     * in what was left out, so "no panic message" would be a guess.
     */
    static Fact<Optional<String>> panicFact(KernelLog log) {
        Optional<String> found = panicMessage(log);
        if (found.isEmpty() && log.incomplete()) {
            return Fact.unknown("the kernel log is incomplete: " + log.damage().getFirst());
        }
        return Fact.known(found);
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
