package io.crashpipe.cli.serve;

import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe serve gateway}: the agents' HTTP/1.1 + HTTP/2 entry point into Kafka. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        header = "The ingest gateway: authenticates agents, validates events, publishes them to Kafka.")
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        GatewayConfig local = GatewayConfig.local(new InetSocketAddress(port), kafka.bootstrap, registry.url, TokenHashFile.read(tokenHashes));
        GatewayConfig config = new GatewayConfig(local.bind(), local.kafkaBootstrap(), local.registry(), local.tokenSha256(),
                local.maxChunkBytes(), local.maxMetadataBytes(), local.maxInFlightBytes(),
                tlsCert == null ? Optional.empty()
                        : Optional.of(new GatewayConfig.Tls(tlsCert, tlsKey, Optional.ofNullable(clientCa))));
        Gateway gateway = Gateway.start(config);
        Foreground.hold(gateway, "crashpipe ready gateway=" + Foreground.url(tlsCert == null ? "http" : "https", gateway.address())
                + " kafka=" + kafka.bootstrap,
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
