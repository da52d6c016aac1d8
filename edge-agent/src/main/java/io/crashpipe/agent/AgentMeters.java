package io.crashpipe.agent;

import io.micrometer.core.instrument.Metrics;

/**
 * The agent's meters: {@code crashpipe_agent_uploads_total{outcome}} (uploaded, failed),
 * {@code crashpipe_agent_sent_bytes_total} and {@code crashpipe_agent_sent_chunks_total}.
 */
public final class AgentMeters {
    private AgentMeters() {}

    public static void uploaded(UploadResult r) {
        Metrics.counter("crashpipe.agent.uploads", "outcome", "uploaded").increment();
        Metrics.counter("crashpipe.agent.sent.bytes").increment(r.bytesSent());
        Metrics.counter("crashpipe.agent.sent.chunks").increment(r.sealed().getChunkCount());
    }

    public static void failed() {
        Metrics.counter("crashpipe.agent.uploads", "outcome", "failed").increment();
    }
}
