package io.crashpipe.agent;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Talks to the gateway over HTTP/2 when it is offered (h2c upgrade, or ALPN over TLS), else
 * HTTP/1.1. Each request is retried on connection failures, 5xx, 408 and 429 with exponential
 * backoff and full jitter, honouring Retry-After; other 4xx are final (the request is wrong).
 * A 503 with Retry-After is the gateway pacing its clients (saturated, draining, Kafka or the
 * registry away): waiting for it uses no attempt, for up to {@link #BUSY_PATIENCE}, so a crash
 * storm slows uploads down instead of failing them.
 */
final class GatewayClient {
    /** How long a request waits, in all, on a gateway that asks it to come back later before that counts as failing. */
    static final Duration BUSY_PATIENCE = Duration.ofMinutes(30);

    private final HttpClient http;
    private final UploadOptions options;

    /** A request the gateway refused for good, with its explanation. */
    static final class Refused extends IOException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    GatewayClient(UploadOptions options) {
        this.options = options;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A body-less request first, so a cleartext connection upgrades to h2c before bodies flow. */
    void hello() {
        try {
            http.send(HttpRequest.newBuilder(options.gateway().resolve("/healthz")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the upload itself will retry and report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String send(String method, String path, ByteBuffer body) throws IOException, InterruptedException {
        return send(method, path, body == null ? null : List.of(body));
    }

    /** Sends a body made of {@code parts} in order (null: none), each sent from its own buffer. */
    String send(String method, String path, List<ByteBuffer> parts) throws IOException, InterruptedException {
        URI uri = options.gateway().resolve(path);
        BufferBody body = parts == null ? null : new BufferBody(parts); // each attempt subscribes to it afresh
        long length = body == null ? 0 : body.contentLength();
        IOException last = null;
        long busySince = 0;
        int waits = 0;
        int failed = 0;
        while (failed < options.maxAttempts()) {
            // A dead peer is noticed by the timeout; it grows with the body at a slow 256 KiB/s.
            long timeoutSec = 10 + length / (256 * 1024);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSec))
                    .header("Authorization", "Bearer " + options.token());
            if (body != null) {
                b.header("Content-Type", "application/avro").method(method, body);
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                int s = r.statusCode();
                if (s / 100 == 2) {
                    return r.body();
                }
                if (s / 100 == 4 && s != 408 && s != 429) {
                    throw new Refused(s, "gateway refused " + method + " " + uri + " with HTTP " + s + ": " + r.body());
                }
                last = new IOException("gateway answered HTTP " + s + " to " + method + " " + uri + ": " + r.body());
                retryAfter = r.headers().firstValue("Retry-After").flatMap(GatewayClient::seconds);
                if (s == 503 && retryAfter.isPresent()) {
                    long now = System.nanoTime();
                    busySince = waits++ == 0 ? now : busySince;
                    if (now - busySince < BUSY_PATIENCE.toNanos()) {
                        // asked to come back later: a wait, not a failed attempt
                        Thread.sleep(backoff(Math.min(waits, 8), retryAfter).toMillis());
                        continue;
                    }
                }
            } catch (Refused e) {
                throw e;
            } catch (ConnectException e) {
                last = new IOException("cannot connect to gateway " + options.gateway() + ": " + e.getMessage(), e);
            } catch (IOException e) {
                last = new IOException(method + " " + uri + " failed: " + e, e);
            }
            failed++;
            if (failed < options.maxAttempts()) {
                Thread.sleep(backoff(failed, retryAfter).toMillis());
            }
        }
        throw last;
    }

    private Duration backoff(int attempt, Optional<Duration> retryAfter) {
        long cap = Math.min(options.maxBackoff().toMillis(), options.initialBackoff().toMillis() << Math.min(attempt - 1, 16));
        long jittered = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        return Duration.ofMillis(Math.max(jittered, retryAfter.map(Duration::toMillis).orElse(0L)));
    }

    private static Optional<Duration> seconds(String v) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
