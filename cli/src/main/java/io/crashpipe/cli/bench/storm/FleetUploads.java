package io.crashpipe.cli.bench.storm;

import io.crashpipe.agent.AgentHost;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.Progress;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.Uploader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every host of the fleet uploading its dump at the same moment, each as the edge agent does
 * (its own checkpoint directory, resumable), through the gateways in turn. A failed upload (its
 * gateway killed, or saturated past the agent's retries) is resumed after a short wait through
 * the next gateway, as an agent's next scan would, until the deadline.
 */
final class FleetUploads {
    private static final Duration RETRY_WAIT = Duration.ofSeconds(2);

    private final List<StormDumps.HostDump> dumps;
    private final List<URI> gateways;
    private final String token;
    private final Path stateDir;
    private final PrintWriter log;
    /** Per dump id: System.nanoTime() of its first upload attempt, and of its seal acknowledged. */
    final Map<String, Long> started = new ConcurrentHashMap<>();
    final Map<String, Long> uploaded = new ConcurrentHashMap<>();
    final AtomicInteger retries = new AtomicInteger();
    final UploadFailures failures = new UploadFailures();

    FleetUploads(List<StormDumps.HostDump> dumps, List<URI> gateways, String token, Path stateDir, PrintWriter log) {
        this.dumps = dumps;
        this.gateways = gateways;
        this.token = token;
        this.stateDir = stateDir;
        this.log = log;
    }

    /** Starts one thread per host, all released at once; returns a latch counting the uploads done. */
    CountDownLatch start(long deadlineNanos) {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(dumps.size());
        for (int i = 0; i < dumps.size(); i++) {
            StormDumps.HostDump d = dumps.get(i);
            int first = i % gateways.size();
            Thread.ofPlatform().daemon().name("host-" + d.host()).start(() -> {
                try {
                    go.await();
                    upload(d, first, deadlineNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        go.countDown();
        return done;
    }

    private void upload(StormDumps.HostDump d, int gateway, long deadlineNanos) throws InterruptedException {
        started.put(d.dumpId(), System.nanoTime());
        for (int attempt = 0; System.nanoTime() < deadlineNanos; attempt++) {
            URI g = gateways.get((gateway + attempt) % gateways.size());
            // one chunk in flight per host: a storm of hundreds stays within the gateways' limits
            UploadOptions options = UploadOptions.defaults(g, token, stateDir.resolve(d.host()))
                    .withConcurrency(1).withHotPagesFirst(false).withHost(new AgentHost(d.host(), Optional.empty()));
            try {
                new Uploader(options).upload(FoundDump.single(d.file()), Progress.NONE);
                uploaded.put(d.dumpId(), System.nanoTime());
                return;
            } catch (IOException | RuntimeException e) {
                retries.incrementAndGet();
                failures.count(e);
                if (attempt < 3 || attempt % 10 == 0) {
                    log.printf("crash-storm: %s: upload through %s failed (%s); resuming in %d s%n", d.host(), g,
                            e.getMessage(), RETRY_WAIT.toSeconds());
                    log.flush();
                }
                Thread.sleep(RETRY_WAIT);
            }
        }
        log.printf("crash-storm: %s: upload of %s not done by the deadline%n", d.host(), d.dumpId());
        log.flush();
    }
}
