package io.crashpipe.cli.serve;

import io.crashpipe.cli.Sizes;
import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe serve gateway}: the agents' HTTP/1.1 + HTTP/2 entry point into Kafka. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        header = "The ingest gateway: authenticates agents, validates events, publishes them to Kafka.",
        description = {"Every limit is an option, or the environment variable named in its help. Options may also be",
            "kept in a file, one per line, and given as @FILE (e.g. crashpipe serve gateway @/etc/crashpipe/gateway.args)."})
public final class ServeGateway implements Callable<Integer> {
    @Mixin
    KafkaOption kafka = new KafkaOption();

    @Mixin
    RegistryOption registry = new RegistryOption();

    @Option(names = "--port", defaultValue = "${env:CRASHPIPE_GATEWAY_PORT:-8080}",
            description = "port on all interfaces ($CRASHPIPE_GATEWAY_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--token-hashes", required = true, defaultValue = "${env:CRASHPIPE_TOKEN_HASHES}",
            description = {"file with one SHA-256 (hex) of an accepted bearer token per line; '#' starts a comment",
                "($CRASHPIPE_TOKEN_HASHES). Make one with: echo -n \"$TOKEN\" | sha256sum"})
    Path tokenHashes;

    @Option(names = "--tls-cert", defaultValue = "${env:CRASHPIPE_TLS_CERT}", description = "PEM certificate chain: serve TLS with ALPN (h2, http/1.1) ($CRASHPIPE_TLS_CERT)")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:CRASHPIPE_TLS_KEY}", description = "PEM private key of --tls-cert ($CRASHPIPE_TLS_KEY)")
    Path tlsKey;

    @Option(names = "--client-ca", defaultValue = "${env:CRASHPIPE_CLIENT_CA}", description = "PEM CAs: require agents to present a certificate they signed (mutual TLS) ($CRASHPIPE_CLIENT_CA)")
    Path clientCa;

    @Option(names = "--max-chunk-bytes", paramLabel = "SIZE", converter = Sizes.Converter.class, defaultValue = "${env:CRASHPIPE_GATEWAY_MAX_CHUNK_BYTES:-2M}",
            description = "largest body of a chunk or seal request, refused (413) from its Content-Length before a byte is read"
                    + " ($CRASHPIPE_GATEWAY_MAX_CHUNK_BYTES; default ${DEFAULT-VALUE}; at most 8M)")
    long maxChunkBytes;

    @Option(names = "--max-metadata-bytes", paramLabel = "SIZE", converter = Sizes.Converter.class, defaultValue = "${env:CRASHPIPE_GATEWAY_MAX_METADATA_BYTES:-8M}",
            description = "largest body of a metadata request ($CRASHPIPE_GATEWAY_MAX_METADATA_BYTES; default ${DEFAULT-VALUE}; at most 8M)")
    long maxMetadataBytes;

    @Option(names = "--inflight-bytes", paramLabel = "SIZE", converter = Sizes.Converter.class, defaultValue = "${env:CRASHPIPE_GATEWAY_INFLIGHT_BYTES:-64M}",
            description = "bytes sent to Kafka and not yet acknowledged; beyond it new events get 503 with Retry-After"
                    + " ($CRASHPIPE_GATEWAY_INFLIGHT_BYTES; default ${DEFAULT-VALUE})")
    long inFlightBytes;

    @Option(names = "--max-pending-events", paramLabel = "N", defaultValue = "${env:CRASHPIPE_GATEWAY_MAX_PENDING_EVENTS:-0}",
            description = "admitted events held until Kafka acknowledges them (the in-flight gate); beyond it 503;"
                    + " 0: twice --inflight-bytes over --max-chunk-bytes, at least 16 ($CRASHPIPE_GATEWAY_MAX_PENDING_EVENTS;"
                    + " default ${DEFAULT-VALUE})")
    int maxPendingEvents;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:CRASHPIPE_GATEWAY_MAX_CONNECTIONS:-1024}",
            description = "open connections at most; more are closed when accepted ($CRASHPIPE_GATEWAY_MAX_CONNECTIONS; default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--header-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "${env:CRASHPIPE_GATEWAY_HEADER_TIMEOUT:-20s}",
            description = "an HTTP/1.1 request line and headers must be complete this long after their first byte"
                    + " ($CRASHPIPE_GATEWAY_HEADER_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration headerTimeout;

    @Option(names = "--read-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "${env:CRASHPIPE_GATEWAY_READ_TIMEOUT:-30s}",
            description = "longest pause in a request body, and longest a client may leave its answers unread"
                    + " ($CRASHPIPE_GATEWAY_READ_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration readTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "${env:CRASHPIPE_GATEWAY_IDLE_TIMEOUT:-120s}",
            description = "a connection with no request in progress is closed after this long without traffic"
                    + " ($CRASHPIPE_GATEWAY_IDLE_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--ledger-memory", paramLabel = "SIZE", converter = Sizes.Converter.class, defaultValue = "${env:CRASHPIPE_GATEWAY_LEDGER_MEMORY:-64M}",
            description = "memory for what the gateway remembers of recent dumps (chunk numbers and digests, memory maps) to"
                    + " check events against their dump; the least recent are forgotten and read back from Kafka when needed"
                    + " ($CRASHPIPE_GATEWAY_LEDGER_MEMORY; default ${DEFAULT-VALUE})")
    long ledgerMemory;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "${env:CRASHPIPE_GATEWAY_DRAIN_TIMEOUT:-20s}",
            description = "on SIGTERM, how long events already admitted get to be acknowledged by Kafka and answered while new ones"
                    + " are refused (503) and HTTP/1.1 clients are sent elsewhere; 0s stops at once. Keep it below the"
                    + " orchestrator's grace period ($CRASHPIPE_GATEWAY_DRAIN_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration drainTimeout;

    @Spec
    CommandSpec spec;

    /** The configuration the options describe; a usage error names what is out of range. */
    GatewayConfig config(java.util.Set<String> tokenHashes) {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        try {
            return GatewayConfig.local(new InetSocketAddress(port), kafka.bootstrap, registry.url, tokenHashes)
                    .withLimits(Math.toIntExact(Math.min(maxChunkBytes, Integer.MAX_VALUE)),
                            Math.toIntExact(Math.min(maxMetadataBytes, Integer.MAX_VALUE)), inFlightBytes)
                    .withGuards(new GatewayConfig.Guards(maxConnections, headerTimeout, readTimeout, idleTimeout,
                            ledgerMemory, maxPendingEvents, drainTimeout))
                    .withTls(tlsCert == null ? Optional.empty()
                            : Optional.of(new GatewayConfig.Tls(tlsCert, tlsKey, Optional.ofNullable(clientCa))));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "gateway limits: expected " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        GatewayConfig config = config(TokenHashFile.read(tokenHashes));
        Gateway gateway = Gateway.start(config);
        Foreground.hold(gateway, "crashpipe ready gateway=" + Foreground.url(tlsCert == null ? "http" : "https", gateway.address())
                + " kafka=" + kafka.bootstrap,
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
