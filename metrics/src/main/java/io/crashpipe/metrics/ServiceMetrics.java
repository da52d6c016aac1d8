package io.crashpipe.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's one Prometheus registry. Code records on Micrometer's global registry
 * ({@link Metrics}), which forwards to this one once it is installed; until then (unit tests,
 * offline commands) recording costs next to nothing and goes nowhere. One process runs one
 * service in a deployment ({@code crashpipe serve ...}), or all of them ({@code crashpipe up}).
 */
public final class ServiceMetrics {
    /** The Prometheus text exposition format, version 0.0.4, as scrapers expect it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static PrometheusMeterRegistry prometheus;
    @SuppressWarnings("unused") // held so the GC binder's listeners stay registered
    private static JvmGcMetrics gc;

    private ServiceMetrics() {}

    /** Installs the Prometheus registry (once per process) with the JVM and process meters. */
    public static synchronized PrometheusMeterRegistry install() {
        if (prometheus == null) {
            PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(r);
            new JvmThreadMetrics().bindTo(r);
            new ClassLoaderMetrics().bindTo(r);
            new ProcessorMetrics().bindTo(r);
            new UptimeMetrics().bindTo(r);
            gc = new JvmGcMetrics();
            gc.bindTo(r);
            Metrics.addRegistry(r);
            prometheus = r;
        }
        return prometheus;
    }

    public static synchronized boolean installed() {
        return prometheus != null;
    }

    /** Everything recorded so far, in the Prometheus text format. */
    public static String scrape() {
        return install().scrape();
    }
}
