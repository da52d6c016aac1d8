package io.crashpipe.sink;

/**
 * The two indices the sink writes. Production uses the defaults; tests use a unique prefix so
 * they never meet each other's documents.
 */
public record SinkIndices(String crashReports, String kernelLog) {
    public static final SinkIndices DEFAULT = new SinkIndices("crash-reports", "kernel-log");

    public static SinkIndices withPrefix(String prefix) {
        return new SinkIndices(prefix + DEFAULT.crashReports, prefix + DEFAULT.kernelLog);
    }
}
