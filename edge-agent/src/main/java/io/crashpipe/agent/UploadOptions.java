package io.crashpipe.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the agent uploads.
 *
 * @param bytesPerSecond cap on payload bytes sent per second; 0 for none
 * @param concurrency chunk uploads in flight at once (also bounds memory: about 2 MiB each)
 * @param maxAttempts attempts per request before the upload is given up (resumed next time)
 * @param hotPagesFirst send the pages the analyses read first (default), so the crash report is
 *        ready before the bulk has arrived; false for plain pfn order. It applies to dumps whose
 *        upload starts from now on: a dump with a checkpoint keeps the order it was started in
 *        (see {@link Checkpoint})
 * @param host the machine named in each dump's metadata
 */
public record UploadOptions(URI gateway, String token, Path stateDir, int concurrency, long bytesPerSecond,
        int maxAttempts, Duration initialBackoff, Duration maxBackoff, String agentVersion, boolean hotPagesFirst,
        AgentHost host) {

    public UploadOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth cap must be >= 0 bytes/s, got " + bytesPerSecond);
        }
    }

    public static UploadOptions defaults(URI gateway, String token, Path stateDir) {
        return new UploadOptions(gateway, token, stateDir, 4, 0, 8, Duration.ofMillis(200), Duration.ofSeconds(15), "0.1.0",
                true, AgentHost.local());
    }

    public UploadOptions withConcurrency(int n) {
        return new UploadOptions(gateway, token, stateDir, n, bytesPerSecond, maxAttempts, initialBackoff, maxBackoff, agentVersion,
                hotPagesFirst, host);
    }

    public UploadOptions withBandwidth(long bps) {
        return new UploadOptions(gateway, token, stateDir, concurrency, bps, maxAttempts, initialBackoff, maxBackoff, agentVersion,
                hotPagesFirst, host);
    }

    public UploadOptions withMaxAttempts(int n) {
        return new UploadOptions(gateway, token, stateDir, concurrency, bytesPerSecond, n, initialBackoff, maxBackoff, agentVersion,
                hotPagesFirst, host);
    }

    /** Hot pages first ({@code true}, the default) or plain pfn order, for dumps not yet started. */
    public UploadOptions withHotPagesFirst(boolean hot) {
        return new UploadOptions(gateway, token, stateDir, concurrency, bytesPerSecond, maxAttempts, initialBackoff, maxBackoff,
                agentVersion, hot, host);
    }

    /** The machine to name in the metadata (a pod names its node, not itself). */
    public UploadOptions withHost(AgentHost h) {
        return new UploadOptions(gateway, token, stateDir, concurrency, bytesPerSecond, maxAttempts, initialBackoff, maxBackoff,
                agentVersion, hotPagesFirst, h);
    }
}
