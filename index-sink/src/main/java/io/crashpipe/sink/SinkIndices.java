package io.crashpipe.sink;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The indices the sink writes (reports, log lines, crash groups, alerts). Production uses the defaults;
 * tests use a unique prefix so
 * they never meet each other's documents.
 *
 * <p>Crash reports live in one index. Kernel log lines, far more numerous, live in one index per
 * day of the dump ({@code kernel-log-2026.11.22}) behind the alias {@code kernel-log}, so retention
 * deletes whole indices ({@link LogRetention}). The day is the dump's, not the line's, so every line
 * of a dump, and every re-delivery of it, lands in the same index.
 */
public record SinkIndices(String crashReports, String kernelLog, String crashGroups, String crashAlerts) {
    public static final SinkIndices DEFAULT = new SinkIndices("crash-reports", "kernel-log", "crash-groups", "crash-alerts");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

    public static SinkIndices withPrefix(String prefix) {
        return new SinkIndices(prefix + DEFAULT.crashReports, prefix + DEFAULT.kernelLog, prefix + DEFAULT.crashGroups,
                prefix + DEFAULT.crashAlerts);
    }

    /** The dated index holding the log lines of a dump of that day; {@link #kernelLog()} is the alias over them all. */
    public String kernelLogIndex(Instant dumpDay) {
        return kernelLog + "-" + DAY.format(dumpDay);
    }

    /** The pattern every dated kernel-log index matches. */
    public String kernelLogPattern() {
        return kernelLog + "-*";
    }

    /** The day a dated kernel-log index holds, or empty when {@code index} is not one. */
    public Optional<LocalDate> kernelLogDay(String index) {
        if (!index.startsWith(kernelLog + "-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(index.substring(kernelLog.length() + 1), DAY));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
