package io.crashpipe.cli.serve;

import io.crashpipe.metrics.MetricsEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * The port of {@code /metrics}, {@code /healthz} and {@code /readyz} for a service without an
 * HTTP port of its own (topology, sink, agent); a picocli mixin.
 */
public final class MetricsOption {
    @Option(names = "--metrics-port", defaultValue = "${env:CRASHPIPE_METRICS_PORT:-9404}",
            description = {"port of GET /metrics (Prometheus text), /healthz and /readyz on all interfaces; -1 for none",
                "($CRASHPIPE_METRICS_PORT; default ${DEFAULT-VALUE})"})
    int port;

    /** The endpoint, or null when switched off. */
    MetricsEndpoint start(MetricsEndpoint.Probes probes) throws IOException {
        return port < 0 ? null : MetricsEndpoint.start(new InetSocketAddress(port), probes);
    }

    /** For the ready line: {@code  metrics=URL}, or nothing. */
    static String describe(MetricsEndpoint e) {
        return e == null ? "" : " metrics=" + Foreground.url("http", e.address()) + "metrics";
    }
}
