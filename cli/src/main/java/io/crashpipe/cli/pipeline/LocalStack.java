package io.crashpipe.cli.pipeline;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import org.apache.kafka.clients.admin.Admin;

/**
 * The pipeline on one machine, on loopback: a real KRaft broker, the schema registry and the
 * gateway. Its home directory keeps the Kafka log and the development token, so {@code upload}
 * finds the token on its own and a restart keeps what was ingested.
 */
public final class LocalStack implements AutoCloseable {
    public static final int DEFAULT_GATEWAY_PORT = 18080;
    public static final int DEFAULT_REGISTRY_PORT = 18081;
    public static final int DEFAULT_KAFKA_PORT = 19092;

    private final LocalKafka kafka;
    private final EmbeddedRegistry registry;
    private final Gateway gateway;

    private LocalStack(LocalKafka kafka, EmbeddedRegistry registry, Gateway gateway) {
        this.kafka = kafka;
        this.registry = registry;
        this.gateway = gateway;
    }

    /** {@code $CRASHPIPE_HOME}, else {@code ~/.crashpipe}. */
    public static Path home() {
        String env = System.getenv("CRASHPIPE_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".crashpipe");
    }

    public static Path tokenFile(Path home) {
        return home.resolve("dev-token");
    }

    public static URI defaultGateway() {
        return URI.create("http://127.0.0.1:" + DEFAULT_GATEWAY_PORT + "/");
    }

    public static LocalStack start(Path home, int kafkaPort, int registryPort, int gatewayPort) throws IOException {
        Files.createDirectories(home);
        String token = devToken(home);
        LocalKafka kafka = LocalKafka.start(home.resolve("kafka"), kafkaPort);
        EmbeddedRegistry registry = null;
        try {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", registryPort));
            Gateway gateway = Gateway.start(GatewayConfig.local(new InetSocketAddress("127.0.0.1", gatewayPort),
                    kafka.bootstrapServers(), registry.uri(), Set.of(GatewayConfig.sha256Hex(token))));
            return new LocalStack(kafka, registry, gateway);
        } catch (IOException | RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            kafka.close();
            throw e;
        }
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public URI registryUri() {
        return registry.uri();
    }

    public URI gatewayUri() {
        InetSocketAddress a = gateway.address();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/");
    }

    /** Stops in dependency order: the gateway drains into Kafka before Kafka stops. */
    @Override
    public void close() {
        gateway.close();
        registry.close();
        kafka.close();
    }

    /** The development token, created once (owner-only file). */
    static String devToken(Path home) throws IOException {
        Path f = tokenFile(home);
        if (Files.exists(f)) {
            return Files.readString(f).strip();
        }
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        String token = "dev-" + HexFormat.of().formatHex(b);
        Files.writeString(f, token + "\n");
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing more to do
        }
        return token;
    }
}
