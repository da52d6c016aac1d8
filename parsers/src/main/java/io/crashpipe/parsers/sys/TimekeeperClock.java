package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfType;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.sys.SystemSummary.WallClock;
import io.crashpipe.parsers.view.KernelView;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The wall clock at the last tick before the dump, {@code timekeeper.xtime_sec}, which crash and
 * drgn use when VMCOREINFO has no {@code CRASHTIME} (hypervisor dumps). Where the core
 * timekeeper lives changed, and what the dump holds says which:
 * <ul>
 *   <li>{@code tk_core}, an anonymous {@code struct { seqcount; struct timekeeper timekeeper; }}
 *       (3.17 to 6.12), found in BTF as the one anonymous struct with those members;</li>
 *   <li>{@code tk_core}, a {@code struct tk_data} (6.13, "timekeeping: Define a struct type for
 *       tk_core");</li>
 *   <li>{@code timekeeper_data[TIMEKEEPER_CORE]}, an array of {@code struct tk_data} (6.17+,
 *       auxiliary clocks), where {@code tk_core} is only a macro.</li>
 * </ul>
 * Every offset comes from BTF; without BTF the date is unknown, never guessed.
 */
final class TimekeeperClock {
    private static final long YEAR_1990 = 631_152_000L;
    private static final long YEAR_2200 = 7_258_118_400L;

    private TimekeeperClock() {}

    static Fact<WallClock> read(KernelView view, Fact<Btf> btf) {
        return Fact.readFact(() -> {
            boolean array = view.symbol("tk_core").isEmpty() && view.symbol("timekeeper_data").isPresent();
            String symbol = array ? "timekeeper_data" : "tk_core";
            long base = view.requireSymbol(symbol);
            if (btf instanceof Fact.Unknown<Btf> u) {
                return Fact.unknown("the layout of " + symbol + " needs BTF: " + u.reason());
            }
            Btf b = btf.orElse(null);
            BtfType.Composite container = b.findStruct("tk_data").or(() -> anonymousTkCore(b)).orElseThrow(
                    () -> new IllegalStateException("BTF has neither struct tk_data nor tk_core's anonymous struct"));
            long index = array ? b.enumValue("TIMEKEEPER_CORE").orElse(0) : 0;
            long at = base + index * container.size()
                    + b.member(container.id(), "tk_data", "timekeeper").offset()
                    + b.field("timekeeper.xtime_sec").offset();
            long xtime = view.memory().u64(at);
            String source = (array ? symbol + "[" + index + "]" : symbol) + ".timekeeper.xtime_sec";
            if (xtime < YEAR_1990 || xtime > YEAR_2200) {
                return Fact.unknown(source + " is " + xtime + ", not a date");
            }
            return Fact.known(new WallClock(Instant.ofEpochSecond(xtime), source));
        });
    }

    /** Before 6.13, tk_core's type has no name: the anonymous struct holding a seq and a timekeeper. */
    private static Optional<BtfType.Composite> anonymousTkCore(Btf btf) {
        return btf.anonymousComposite(List.of("seq", "timekeeper"));
    }
}
