package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.unwind.Backtrace;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code bt} section: what crash's {@code bt -a} and {@code foreach UN bt} show, as values.
 *
 * @param panicCpu the CPU that called panic() ({@code panic_cpu}), when a panic was in progress
 * @param cpus the task running on each CPU, in CPU order
 * @param blocked tasks in uninterruptible sleep (crash's UN) that were not running, in ps order,
 *     at most the configured cap
 * @param blockedOmitted UN tasks left out by the cap
 * @param gaps what could not be unwound, each naming the task or CPU and why (a stack page the dump
 *     lacks, the task table unreadable); the rest of the section is still there
 */
public record BacktraceSection(OptionalInt panicCpu, List<Backtrace> cpus, List<Backtrace> blocked, int blockedOmitted,
        List<Gap> gaps) {

    /** One part of the section the dump could not give: {@code subject} ("CPU 1", "PID 42") and why. */
    public record Gap(String subject, String reason) {}

    public BacktraceSection {
        cpus = List.copyOf(cpus);
        blocked = List.copyOf(blocked);
        gaps = List.copyOf(gaps);
    }

    /** The trace of the task that panicked: the one running on {@code panicCpu}. */
    public Optional<Backtrace> panic() {
        if (panicCpu.isEmpty()) {
            return Optional.empty();
        }
        return cpus.stream().filter(b -> b.cpu() == panicCpu.getAsInt()).findFirst();
    }
}
