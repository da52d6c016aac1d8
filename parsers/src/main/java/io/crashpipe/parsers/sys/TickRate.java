package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.memory.Fact;
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
 * </ol>
 * HZ is then {@code round(1e9 / TICK_NSEC)}.
 */
final class TickRate {
    private static final long NSEC_PER_SEC = 1_000_000_000L;

    private TickRate() {}

    static Fact<Integer> read(KernelView view, Fact<Btf> btf) {
        Fact<Integer> fromClocksource = Fact.readFact(() -> fromJiffiesClocksource(view, btf));
        if (fromClocksource.isKnown() || view.symbol("tick_nsec").isEmpty()) {
            return fromClocksource;
        }
        return Fact.readFact(() -> hz(view.memory().u64(view.requireSymbol("tick_nsec")), "tick_nsec"));
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
