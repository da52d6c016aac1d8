package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.memory.Completeness;
import io.crashpipe.parsers.memory.Fact;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What crash's {@code sys} command shows, read from the dump, field by field: each field is a
 * {@link Fact}, its value or the reason the dump cannot give it (a page missing for good, a
 * layout the dump does not reveal). One unknown field never hides the others.
 *
 * @param cpuCount CPUs present and online
 * @param clock wall-clock time of the crash and where it came from
 * @param tickRate the kernel's HZ
 * @param uptime seconds since boot, from jiffies_64 and HZ
 * @param loadAverage {@code avenrun}
 * @param utsname {@code init_uts_ns.name}
 * @param cpuSpeedKhz {@code cpu_khz} (x86 TSC calibration)
 * @param memory present RAM in bytes over the online NUMA nodes
 * @param panic the panic line found in the log as crash finds it (known and empty when there is none)
 */
public record SystemSummary(
        Fact<CpuCount> cpuCount,
        Fact<WallClock> clock,
        Fact<Integer> tickRate,
        Fact<Long> uptime,
        Fact<LoadAverage> loadAverage,
        Fact<Utsname> utsname,
        Fact<Long> cpuSpeedKhz,
        Fact<Long> memory,
        Fact<Optional<String>> panic) {

    /** crash's CPUS: the highest present CPU + 1, and how many of them were still online. */
    public record CpuCount(int present, int online) {}

    /** @param source {@code CRASHTIME} (VMCOREINFO) or the timekeeper variable it was read from */
    public record WallClock(Instant instant, String source) {}

    /** The three {@code avenrun} values: fixed point with 11 fractional bits. */
    public record LoadAverage(long one, long five, long fifteen) {
        public long[] raw() {
            return new long[] {one, five, fifteen};
        }
    }

    /** The unknown fields and why, keyed by stable names (cpus, date, hz, uptime, load_average, ...). */
    public Completeness completeness() {
        Completeness.Builder b = new Completeness.Builder();
        b.note("cpus", cpuCount);
        b.note("date", clock);
        b.note("hz", tickRate);
        b.note("uptime", uptime);
        b.note("load_average", loadAverage);
        b.note("utsname", utsname);
        b.note("cpu_khz", cpuSpeedKhz);
        b.note("memory", memory);
        b.note("panic", panic);
        return b.build();
    }

    // Plain accessors for callers that only want the values (unknown reads as empty).

    public int cpus() {
        return cpuCount.map(CpuCount::present).orElse(0);
    }

    public int onlineCpus() {
        return cpuCount.map(CpuCount::online).orElse(0);
    }

    public Optional<Instant> date() {
        return clock.optional().map(WallClock::instant);
    }

    public String dateSource() {
        return clock.map(WallClock::source).orElse("");
    }

    public OptionalLong uptimeSeconds() {
        return uptime.isKnown() ? OptionalLong.of(uptime.orElse(0L)) : OptionalLong.empty();
    }

    public OptionalInt hz() {
        return tickRate.isKnown() ? OptionalInt.of(tickRate.orElse(0)) : OptionalInt.empty();
    }

    public Optional<long[]> avenrun() {
        return loadAverage.optional().map(LoadAverage::raw);
    }

    /** The utsname, with empty strings when it could not be read (see {@link #utsname()}). */
    public Utsname uts() {
        return utsname.orElse(new Utsname("", "", "", "", "", ""));
    }

    public OptionalLong cpuKhz() {
        return cpuSpeedKhz.isKnown() ? OptionalLong.of(cpuSpeedKhz.orElse(0L)) : OptionalLong.empty();
    }

    public OptionalLong memoryBytes() {
        return memory.isKnown() ? OptionalLong.of(memory.orElse(0L)) : OptionalLong.empty();
    }

    public Optional<String> panicMessage() {
        return panic.orElse(Optional.empty());
    }
}
