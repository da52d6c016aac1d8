package io.crashpipe.gateway;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        Optional<Tls> tls) {

    public record Tls(Path certChain, Path privateKey, Optional<Path> trustedClientCas) {}

    public static GatewayConfig local(InetSocketAddress bind, String kafka, URI registry, Set<String> tokenSha256) {
        return new GatewayConfig(bind, kafka, registry, tokenSha256, 2 * 1024 * 1024, 8 * 1024 * 1024,
                64L * 1024 * 1024, Optional.empty());
    }

    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
