package io.crashpipe.cli.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.Set;

import io.crashpipe.gateway.Gateway;
import io.crashpipe.sink.consume.ResultSink;
import io.crashpipe.sink.consume.SinkConfig;
import io.crashpipe.sink.local.EsDistribution;
import io.crashpipe.sink.local.LocalElasticsearch;
import io.crashpipe.topology.DumpAnalysisApp;
import io.crashpipe.topology.TopologyConfig;
import io.crashpipe.topology.groups.GroupsApp;
import io.crashpipe.topology.groups.GroupsConfig;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import org.apache.kafka.clients.admin.Admin;

/**
 * The pipeline on one machine, on loopback: a real KRaft broker, the schema registry, the gateway
 * and, unless only ingest is asked for, a real Elasticsearch node, the analysis topology and the
 * index sink. Its home directory keeps the Kafka log, the Elasticsearch data, the topology's
 * state and the development token, so {@code upload} finds the token on its own and a restart
 * keeps what was ingested and indexed.
 */
public final class LocalStack implements AutoCloseable {
    public static final int DEFAULT_GATEWAY_PORT = 18080;
    public static final int DEFAULT_REGISTRY_PORT = 18081;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final int DEFAULT_ES_PORT = 19200;

    /**
     * Ports, whether to run the analysis half (Elasticsearch, topology, sink), and how the
     * topology is tuned (applied to {@link TopologyConfig#local}).
     */
    public record Options(int kafkaPort, int registryPort, int gatewayPort, int esPort, boolean analysis,
            UnaryOperator<TopologyConfig> topology) {
        public static final Options DEFAULT = new Options(DEFAULT_KAFKA_PORT, DEFAULT_REGISTRY_PORT,
                DEFAULT_GATEWAY_PORT, DEFAULT_ES_PORT, true, UnaryOperator.identity());

        /** Every service on a free port (nothing clashes with a running {@code up}). */
        public static final Options EPHEMERAL = new Options(0, 0, 0, 0, true, UnaryOperator.identity());
    }

    private final LocalKafka kafka;
    private final EmbeddedRegistry registry;
    private final Gateway gateway;
    private final LocalElasticsearch elasticsearch;
    private final DumpAnalysisApp topology;
    private final GroupsApp groups;
    private final ResultSink sink;

    private LocalStack(LocalKafka kafka, EmbeddedRegistry registry, Gateway gateway, LocalElasticsearch elasticsearch,
            DumpAnalysisApp topology, GroupsApp groups, ResultSink sink) {
        this.kafka = kafka;
        this.registry = registry;
        this.gateway = gateway;
        this.elasticsearch = elasticsearch;
        this.topology = topology;
        this.groups = groups;
        this.sink = sink;
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

    public static LocalStack start(Path home, Options options, Consumer<String> progress) throws IOException {
        Files.createDirectories(home);
        String token = devToken(home);
        // Elasticsearch takes the longest to come up: start it first and meet it at the end.
        CompletableFuture<LocalElasticsearch> es = options.analysis()
                ? CompletableFuture.supplyAsync(() -> startElasticsearch(home, options.esPort()))
                : CompletableFuture.completedFuture(null);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            progress.accept("starting Kafka (KRaft) on 127.0.0.1:" + options.kafkaPort());
            LocalKafka kafka = LocalKafka.start(home.resolve("kafka"), options.kafkaPort());
            started.add(kafka);
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(),
                    new InetSocketAddress("127.0.0.1", options.registryPort()));
            started.add(registry);
            Gateway gateway = Gateway.start(GatewayConfig.local(new InetSocketAddress("127.0.0.1", options.gatewayPort()),
                    kafka.bootstrapServers(), registry.uri(), Set.of(GatewayConfig.sha256Hex(token))));
            started.add(gateway);
            if (!options.analysis()) {
                return new LocalStack(kafka, registry, gateway, null, null, null, null);
            }
            progress.accept("starting the analysis topology");
            DumpAnalysisApp topology = DumpAnalysisApp.start(options.topology().apply(
                    TopologyConfig.local(kafka.bootstrapServers(), registry.uri(), home.resolve("streams"))),
                    Duration.ofMinutes(2));
            started.add(topology);
            GroupsApp groups = GroupsApp.start(GroupsConfig.local(kafka.bootstrapServers(), registry.uri(),
                    home.resolve("streams")), Duration.ofMinutes(2));
            started.add(groups);
            progress.accept("waiting for Elasticsearch on 127.0.0.1:" + options.esPort());
            LocalElasticsearch node = join(es);
            started.add(node);
            ResultSink sink = ResultSink.start(SinkConfig.local(kafka.bootstrapServers(), registry.uri(), node.uri()));
            return new LocalStack(kafka, registry, gateway, node, topology, groups, sink);
        } catch (IOException | RuntimeException e) {
            es.thenAccept(n -> {
                if (n != null) {
                    n.close();
                }
            });
            Collections.reverse(started);
            for (AutoCloseable c : started) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    private static LocalElasticsearch startElasticsearch(Path home, int port) {
        try {
            return LocalElasticsearch.start(LocalElasticsearch.Settings
                    .defaults(EsDistribution.configured(), home.resolve("elasticsearch")).withHttpPort(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalElasticsearch join(CompletableFuture<LocalElasticsearch> es) throws IOException {
        try {
            return es.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
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

    /** The Elasticsearch node, when the analysis half runs. */
    public Optional<URI> elasticsearchUri() {
        return Optional.ofNullable(elasticsearch).map(LocalElasticsearch::uri);
    }

    /** Documents the sink has written so far (0 without the analysis half). */
    public long indexed() {
        return sink == null ? 0 : sink.indexed();
    }

    /**
     * Stops in dependency order: the gateway drains into Kafka, the topology commits, the sink
     * flushes into Elasticsearch, then Kafka and Elasticsearch stop.
     */
    @Override
    public void close() {
        closeQuietly(gateway);
        if (topology != null) {
            closeQuietly(topology);
        }
        if (groups != null) {
            closeQuietly(groups);
        }
        if (sink != null) {
            closeQuietly(sink);
        }
        closeQuietly(registry);
        closeQuietly(kafka);
        if (elasticsearch != null) {
            closeQuietly(elasticsearch);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("crashpipe: stopping " + c.getClass().getSimpleName() + " failed: " + e.getMessage());
        }
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
