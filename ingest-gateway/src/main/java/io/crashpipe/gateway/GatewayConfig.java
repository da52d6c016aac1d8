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

/**
 * Everything the gateway is told. Tokens are held only as SHA-256 hashes (hex), so the config
 * file is not a secret; request limits and the in-flight budget bound memory.
 *
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

    public record Tls(Path certChain, Path privateKey, Optional<Path> trustedClientCas) {}

    /**
     * What protects the gateway from slow, idle or too many clients, and bounds what it remembers.
     *
     * @param maxConnections open connections at most; more are closed as soon as they are accepted
     * @param headerTimeout an HTTP/1.1 request's line and headers must arrive within this of its first byte
     * @param readTimeout a request whose body is still arriving is closed after this long without a byte
     * @param idleTimeout a connection with no request in progress is closed after this long without traffic
     * @param ledgerBytes what the gateway remembers of recent dumps (sequence numbers, digests, memory maps)
     */
    public record Guards(int maxConnections, Duration headerTimeout, Duration readTimeout, Duration idleTimeout,
            long ledgerBytes) {
        public static final Guards DEFAULT = new Guards(1024, Duration.ofSeconds(20), Duration.ofSeconds(30),
                Duration.ofSeconds(120), 64L << 20);
    }

    /** Without explicit guards: {@link Guards#DEFAULT}. */
    public GatewayConfig(InetSocketAddress bind, String kafkaBootstrap, URI registry, Set<String> tokenSha256,
            int maxChunkBytes, int maxMetadataBytes, long maxInFlightBytes, Optional<Tls> tls) {
        this(bind, kafkaBootstrap, registry, tokenSha256, maxChunkBytes, maxMetadataBytes, maxInFlightBytes, tls,
                Guards.DEFAULT);
    }

    public static GatewayConfig local(InetSocketAddress bind, String kafka, URI registry, Set<String> tokenSha256) {
        return new GatewayConfig(bind, kafka, registry, tokenSha256, 2 * 1024 * 1024, 8 * 1024 * 1024,
                64L * 1024 * 1024, Optional.empty());
    }

    public GatewayConfig withGuards(Guards g) {
        return new GatewayConfig(bind, kafkaBootstrap, registry, tokenSha256, maxChunkBytes, maxMetadataBytes,
                maxInFlightBytes, tls, g);
    }

    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
