package io.crashpipe.gateway;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import io.crashpipe.schemas.Topics;

/**
 * Everything the gateway is told. Tokens are held only as SHA-256 hashes (hex), so the config
 * file is not a secret; request limits and the in-flight budget bound memory.
 *
 * @param maxChunkBytes largest body of a chunk or seal request (declared Content-Length)
 * @param maxMetadataBytes largest body of a metadata request
 * @param maxInFlightBytes bytes sent to Kafka and not yet acknowledged; beyond it requests get 503
 * @param tls PEM certificate chain and key; when present the port speaks TLS with ALPN (h2, http/1.1)
 */
public record GatewayConfig(
        InetSocketAddress bind,
        String kafkaBootstrap,
        URI registry,
        Set<String> tokenSha256,
        int maxChunkBytes,
        int maxMetadataBytes,
        long maxInFlightBytes,
        Optional<Tls> tls,
        Guards guards) {

    public static final int DEFAULT_MAX_CHUNK_BYTES = 2 << 20;
    public static final int DEFAULT_MAX_METADATA_BYTES = 8 << 20;
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 64L << 20;

    public GatewayConfig {
        positive("maxChunkBytes", maxChunkBytes);
        positive("maxMetadataBytes", maxMetadataBytes);
        if (maxInFlightBytes < 0) {
            throw new IllegalArgumentException("maxInFlightBytes >= 0, got " + maxInFlightBytes);
        }
        // The producer refuses records above this: a larger body could be admitted but never published.
        if (maxChunkBytes > Topics.MAX_EVENT_BYTES || maxMetadataBytes > Topics.MAX_EVENT_BYTES) {
            throw new IllegalArgumentException("body limits of at most " + Topics.MAX_EVENT_BYTES
                    + " bytes (the largest Kafka record of the ingest topics), got chunk " + maxChunkBytes
                    + " and metadata " + maxMetadataBytes);
        }
    }

    public record Tls(Path certChain, Path privateKey, Optional<Path> trustedClientCas) {}

    /**
     * What protects the gateway from slow, idle or too many clients, and bounds what it remembers.
     *
     * @param maxConnections open connections at most; more are closed as soon as they are accepted
     * @param headerTimeout an HTTP/1.1 request's line and headers must arrive within this of its first byte
     * @param readTimeout a request whose body is still arriving is closed after this long without a byte;
     *     a connection whose client stops reading its responses is closed after this long unwritable
     * @param idleTimeout a connection with no request in progress is closed after this long without traffic
     * @param ledgerBytes what the gateway remembers of recent dumps (sequence numbers, digests, memory maps)
     * @param maxPendingEvents admitted events (bodies held until Kafka acknowledges) at most; 0 derives it
     *     from the budget: twice the in-flight bytes over the chunk limit, at least 16
     * @param drainTimeout on a graceful stop, how long admitted requests get to be acknowledged and
     *     answered while new ones are refused (503) and HTTP/1.1 clients sent elsewhere; what is still
     *     open then is cut off (its client retries, the ledger makes the retry a duplicate)
     */
    public record Guards(int maxConnections, Duration headerTimeout, Duration readTimeout, Duration idleTimeout,
            long ledgerBytes, int maxPendingEvents, Duration drainTimeout) {
        public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);
        public static final Guards DEFAULT = new Guards(1024, Duration.ofSeconds(20), Duration.ofSeconds(30),
                Duration.ofSeconds(120), 64L << 20, 0, DEFAULT_DRAIN_TIMEOUT);

        public Guards {
            positive("maxConnections", maxConnections);
            positive("headerTimeout", headerTimeout.toMillis());
            positive("readTimeout", readTimeout.toMillis());
            positive("idleTimeout", idleTimeout.toMillis());
            if (ledgerBytes < 4096) {
                throw new IllegalArgumentException("ledgerBytes of at least 4096, got " + ledgerBytes);
            }
            if (maxPendingEvents < 0) {
                throw new IllegalArgumentException("maxPendingEvents >= 0 (0: derived), got " + maxPendingEvents);
            }
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout >= 0 (0: stop without waiting), got " + drainTimeout);
            }
        }

        /** With the default drain wait. */
        public Guards(int maxConnections, Duration headerTimeout, Duration readTimeout, Duration idleTimeout,
                long ledgerBytes, int maxPendingEvents) {
            this(maxConnections, headerTimeout, readTimeout, idleTimeout, ledgerBytes, maxPendingEvents, DEFAULT_DRAIN_TIMEOUT);
        }

        /** Without an explicit pending-event bound (derived from the budget). */
        public Guards(int maxConnections, Duration headerTimeout, Duration readTimeout, Duration idleTimeout,
                long ledgerBytes) {
            this(maxConnections, headerTimeout, readTimeout, idleTimeout, ledgerBytes, 0);
        }

        public Guards withDrainTimeout(Duration d) {
            return new Guards(maxConnections, headerTimeout, readTimeout, idleTimeout, ledgerBytes, maxPendingEvents, d);
        }
    }

    /** Without explicit guards: {@link Guards#DEFAULT}. */
    public GatewayConfig(InetSocketAddress bind, String kafkaBootstrap, URI registry, Set<String> tokenSha256,
            int maxChunkBytes, int maxMetadataBytes, long maxInFlightBytes, Optional<Tls> tls) {
        this(bind, kafkaBootstrap, registry, tokenSha256, maxChunkBytes, maxMetadataBytes, maxInFlightBytes, tls,
                Guards.DEFAULT);
    }

    public static GatewayConfig local(InetSocketAddress bind, String kafka, URI registry, Set<String> tokenSha256) {
        return new GatewayConfig(bind, kafka, registry, tokenSha256, DEFAULT_MAX_CHUNK_BYTES, DEFAULT_MAX_METADATA_BYTES,
                DEFAULT_MAX_IN_FLIGHT_BYTES, Optional.empty());
    }

    public GatewayConfig withGuards(Guards g) {
        return new GatewayConfig(bind, kafkaBootstrap, registry, tokenSha256, maxChunkBytes, maxMetadataBytes,
                maxInFlightBytes, tls, g);
    }

    /** The same gateway with other body limits and publish budget. */
    public GatewayConfig withLimits(int chunkBytes, int metadataBytes, long inFlightBytes) {
        return new GatewayConfig(bind, kafkaBootstrap, registry, tokenSha256, chunkBytes, metadataBytes, inFlightBytes,
                tls, guards);
    }

    public GatewayConfig withTls(Optional<Tls> t) {
        return new GatewayConfig(bind, kafkaBootstrap, registry, tokenSha256, maxChunkBytes, maxMetadataBytes,
                maxInFlightBytes, t, guards);
    }

    /** Admitted events held at once: {@link Guards#maxPendingEvents}, or derived from the publish budget. */
    public long maxPendingEvents() {
        return guards.maxPendingEvents() > 0 ? guards.maxPendingEvents()
                : Math.max(16, 2 * maxInFlightBytes / Math.max(1, maxChunkBytes));
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " > 0, got " + v);
        }
    }

    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
