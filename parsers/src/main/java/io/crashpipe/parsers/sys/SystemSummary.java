package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.dump.Utsname;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What crash's {@code sys} command shows, read from the dump. Fields the dump cannot give (yet)
 * are empty rather than guessed.
 *
 * @param cpus CPUs present (crash's count: highest present CPU + 1)
 * @param onlineCpus CPUs still online at dump time (a panicking kernel stops the others)
 * @param date wall-clock time of the crash
 * @param dateSource {@code CRASHTIME} (VMCOREINFO) or {@code tk_core.timekeeper.xtime_sec}
 * @param uptimeSeconds from jiffies_64 and HZ
 * @param hz the kernel's tick rate, from tick_nsec
 * @param avenrun the three load averages as fixed-point values (11 fractional bits)
 * @param cpuKhz cpu_khz (TSC calibration)
 * @param memoryBytes present RAM over all online NUMA nodes
 * @param panicMessage the panic line found in the log as crash finds it
 */
public record SystemSummary(
        int cpus,
        int onlineCpus,
        Optional<Instant> date,
        String dateSource,
        OptionalLong uptimeSeconds,
        OptionalInt hz,
        Optional<long[]> avenrun,
        Utsname uts,
        OptionalLong cpuKhz,
        OptionalLong memoryBytes,
        Optional<String> panicMessage) {}
