package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.view.KernelView;

/**
 * The kernel's tick rate (HZ), a build constant that no header records, read from data every
 * kernel keeps:
 * <ol>
 *   <li>the jiffies clocksource ({@code kernel/time/jiffies.c}, since 2.6.18): its
 *       {@code mult} is {@code TICK_NSEC << JIFFIES_SHIFT} and its {@code shift} is
 *       {@code JIFFIES_SHIFT}, and the clocksource core leaves both alone (it is registered with
 *       no frequency); members placed by BTF;</li>
 *   <li>{@code tick_nsec} (nanoseconds per tick, NTP-adjusted by a few ppm at most), a variable
 *       older kernels have.</li>
 *   <li>for a kernel whose kallsyms lists no data symbols (so neither of the above has an address),
 *       the exported {@code jiffies_64} against the kernel log: jiffies count HZ per second from
 *       INITIAL_JIFFIES (300 s before the 32-bit wrap), so of the HZ values Linux can be built
 *       with, the one whose uptime agrees with the last log record's timestamp is the kernel's.</li>
 * </ol>
 * HZ is then {@code round(1e9 / TICK_NSEC)} in the first two.
 */
final class TickRate {
    private static final long NSEC_PER_SEC = 1_000_000_000L;

    private TickRate() {}

    /** HZ values Kconfig offers across architectures (HZ_100 ... HZ_1000, and alpha/arm oddities). */
    private static final int[] BUILD_CHOICES = {100, 250, 300, 1000, 24, 32, 48, 64, 128, 200, 256, 500, 512, 1024};

    static Fact<Integer> read(KernelView view, Fact<Btf> btf, Fact<KernelLog> log) {
        Fact<Integer> fromClocksource = Fact.readFact(() -> fromJiffiesClocksource(view, btf));
        if (fromClocksource.isKnown()) {
            return fromClocksource;
        }
        if (view.symbol("tick_nsec").isPresent()) {
            return Fact.readFact(() -> hz(view.memory().u64(view.requireSymbol("tick_nsec")), "tick_nsec"));
        }
        if (log.isKnown() && view.symbol("jiffies_64").isPresent()) {
            Fact<Integer> fromLog = Fact.readFact(() -> fromJiffiesAndLog(view, log.orElseThrow()));
            if (fromLog.isKnown()) {
                return fromLog;
            }
        }
        return fromClocksource;
    }

    private static Fact<Integer> fromJiffiesAndLog(KernelView view, KernelLog log) {
        if (log.records().isEmpty()) {
            return Fact.unknown("unknown HZ value: the kernel log is empty");
        }
        double logUptime = log.records().get(log.records().size() - 1).timestampNanos() / 1e9;
        long jiffies = view.memory().u64(view.requireSymbol("jiffies_64"));
        int best = 0;
        double bestGap = Double.MAX_VALUE;
        double secondGap = Double.MAX_VALUE;
        for (int hz : BUILD_CHOICES) {
            double uptime = (double) (jiffies - ((-300L * hz) & 0xffffffffL)) / hz;
            double gap = Math.abs(uptime - logUptime);
            if (gap < bestGap) {
                secondGap = bestGap;
                bestGap = gap;
                best = hz;
            } else if (gap < secondGap) {
                secondGap = gap;
            }
        }
        // The last record comes at most a moment before the dump; another HZ must be clearly worse.
        if (bestGap > 2 + logUptime * 0.02 || secondGap < 2 * bestGap + 1) {
            return Fact.unknown("unknown HZ value: jiffies_64 " + jiffies + " agrees with no HZ for the log's "
                    + String.format("%.1f", logUptime) + " s of uptime");
        }
        return Fact.known(best);
    }

    private static Fact<Integer> fromJiffiesClocksource(KernelView view, Fact<Btf> btf) {
        long cs = view.requireSymbol("clocksource_jiffies");
        if (btf instanceof Fact.Unknown<Btf> u) {
            return Fact.unknown("unknown HZ value: the layout of struct clocksource needs BTF: " + u.reason());
        }
        Btf b = btf.orElse(null);
        long mult = view.memory().u32(cs + b.field("clocksource.mult").offset());
        long shift = view.memory().u32(cs + b.field("clocksource.shift").offset());
        if (shift > 31) {
            return Fact.unknown("unknown HZ value: clocksource_jiffies.shift is " + shift);
        }
        return hz(mult >>> shift, "clocksource_jiffies.mult >> shift");
    }

    private static Fact<Integer> hz(long tickNsec, String from) {
        if (tickNsec <= 0 || tickNsec > NSEC_PER_SEC) {
            return Fact.unknown("unknown HZ value: " + from + " gives " + tickNsec + " ns per tick");
        }
        long hz = Math.round((double) NSEC_PER_SEC / tickNsec);
        return hz < 10 || hz > 100_000 ? Fact.unknown("unknown HZ value: " + from + " gives HZ " + hz)
                : Fact.known((int) hz);
    }
}
