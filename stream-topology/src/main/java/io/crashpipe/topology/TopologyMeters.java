package io.crashpipe.topology;

import io.crashpipe.schemas.DeadLetterHeaders;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The topology's meters, recorded where the processor decides: {@code crashpipe_topology_passes_seconds{outcome}}
 * (a timer per analysis pass: {@code waited} or {@code settled}), {@code crashpipe_topology_waits_total{section}}
 * (passes that stopped at a page not yet arrived), {@code crashpipe_topology_reports_total{completeness}}
 * {@code crashpipe_topology_replay_skipped_total{reason}} (dumps a replay gave up: {@code pages_expired},
 * {@code no_seal}), {@code crashpipe_topology_reopened_total} (dumps reported partial at a stall whose
 * pages came after all) and {@code crashpipe_dead_letters_total{service="topology",stage}}.
 */
final class TopologyMeters {
    private TopologyMeters() {}

    static void passWaited(Duration took, String section) {
        pass("waited", took);
        Metrics.counter("crashpipe.topology.waits", "section", section).increment();
    }

    static void passSettled(Duration took) {
        pass("settled", took);
    }

    static void reported(boolean complete) {
        Metrics.counter("crashpipe.topology.reports", "completeness", complete ? "complete" : "partial").increment();
    }

    static void reopened() {
        Metrics.counter("crashpipe.topology.reopened").increment();
    }

    static void replaySkipped(String reason) {
        Metrics.counter("crashpipe.topology.replay.skipped", "reason", reason).increment();
    }

    static void deadLetter(DeadLetterHeaders.Stage stage) {
        Metrics.counter("crashpipe.dead.letters", "service", "topology", "stage", stage.name().toLowerCase(java.util.Locale.ROOT))
                .increment();
    }

    private static void pass(String outcome, Duration took) {
        Timer.builder("crashpipe.topology.passes").description("Analysis passes over a dump's pages so far")
                .tag("outcome", outcome).register(Metrics.globalRegistry).record(took);
    }
}
