package io.crashpipe.sink;

/**
 * The indices the sink writes (reports, log lines, crash groups, alerts). Production uses the defaults; tests use a unique prefix so
 * they never meet each other's documents.
 */
public record SinkIndices(String crashReports, String kernelLog, String crashGroups, String crashAlerts) {
    public static final SinkIndices DEFAULT = new SinkIndices("crash-reports", "kernel-log", "crash-groups", "crash-alerts");

    public static SinkIndices withPrefix(String prefix) {
        return new SinkIndices(prefix + DEFAULT.crashReports, prefix + DEFAULT.kernelLog, prefix + DEFAULT.crashGroups,
                prefix + DEFAULT.crashAlerts);
    }
}
