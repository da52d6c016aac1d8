package io.crashpipe.cli.bench.storm;

import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafkaCluster;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.local.EsDistribution;
import io.crashpipe.sink.local.LocalElasticsearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The deployment the storm runs against, all on loopback: a real Kafka cluster (three brokers
 * and a controller quorum, each in its own JVM), a real Elasticsearch node, the schema registry
 * (in this JVM; it is not a kill target), and every pipeline service as {@code crashpipe serve}
 * in a JVM of its own: gateways, topology instances sharing one application id (each with its
 * own state directory), sinks sharing one consumer group. Each service keeps its port and
 * configuration across a kill and restart.
 */
final class StormStack implements AutoCloseable {
    private static final Duration READY_WAIT = Duration.ofMinutes(10);

    /** The shape of the stack. */
    record Shape(int brokers, int controllers, int gateways, int topologies, int sinks, int partitions,
            String brokerHeap, String serviceHeap, String topologyHeap) {}

    final LocalKafkaCluster kafka;
    final LocalElasticsearch elasticsearch;
    final EmbeddedRegistry registry;
    final String token;
    final SinkIndices indices;
    final List<ServiceProcess> gateways = new ArrayList<>();
    final List<URI> gatewayUris = new ArrayList<>();
    final List<ServiceProcess> topologies = new ArrayList<>();
    final List<ServiceProcess> sinks = new ArrayList<>();

    private StormStack(LocalKafkaCluster kafka, LocalElasticsearch elasticsearch, EmbeddedRegistry registry, String token,
            SinkIndices indices) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.registry = registry;
        this.token = token;
        this.indices = indices;
    }

    static StormStack start(Shape shape, Path cliJar, Path work, PrintWriter log) throws IOException, InterruptedException {
        Files.createDirectories(work);
        long t0 = System.nanoTime();
        // Elasticsearch takes longest: it starts while the Kafka cluster comes up
        CompletableFuture<LocalElasticsearch> es = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalElasticsearch.start(LocalElasticsearch.Settings
                        .defaults(EsDistribution.configured(), work.resolve("elasticsearch")).withHttpPort(0)
                        .withDeleteOnStop(true));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        LocalKafkaCluster kafka;
        try {
            kafka = LocalKafkaCluster.builder().brokers(shape.brokers()).controllers(shape.controllers())
                    .childJvms(shape.brokerHeap()).directory(work.resolve("kafka")).start();
        } catch (IOException | RuntimeException e) {
            es.thenAccept(LocalElasticsearch::close);
            throw e;
        }
        short replication = (short) Math.min(3, shape.brokers());
        LocalElasticsearch node = null;
        EmbeddedRegistry registry = null;
        try {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, replication, shape.partitions());
            }
            registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0), replication);
            node = join(es);
        } catch (IOException | RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            es.thenAccept(LocalElasticsearch::close);
            kafka.close();
            throw e;
        }
        log.printf("crash-storm: Kafka (%d brokers, %d controllers), registry and Elasticsearch up in %.1f s%n",
                shape.brokers(), shape.controllers(), (System.nanoTime() - t0) / 1e9);
        log.flush();
        String token = "storm-" + UUID.randomUUID();
        StormStack stack = new StormStack(kafka, node, registry, token,
                SinkIndices.withPrefix("storm-" + Long.toHexString(System.currentTimeMillis()) + "-"));
        try {
            stack.startServices(shape, cliJar, work, replication);
        } catch (IOException | RuntimeException | InterruptedException e) {
            stack.close();
            throw e;
        }
        log.printf("crash-storm: %d gateways, %d topology instances, %d sinks up after %.1f s%n", shape.gateways(),
                shape.topologies(), shape.sinks(), (System.nanoTime() - t0) / 1e9);
        log.flush();
        return stack;
    }

    private void startServices(Shape shape, Path cliJar, Path work, short replication)
            throws IOException, InterruptedException {
        Path hashes = Files.writeString(work.resolve("token-hashes"), GatewayConfig.sha256Hex(token) + "\n");
        Map<String, String> common = new HashMap<>(Map.of("CRASHPIPE_KAFKA", kafka.bootstrapServers(),
                "CRASHPIPE_REGISTRY_URL", registry.uri().toString(), "CRASHPIPE_METRICS_PORT", "-1"));
        List<String> small = List.of("-Xmx" + shape.serviceHeap(), "-XX:+UseSerialGC");
        for (int i = 1; i <= shape.gateways(); i++) {
            int port = freePort(); // fixed, so the agents find a restarted gateway where it was
            Map<String, String> env = new HashMap<>(common);
            env.put("CRASHPIPE_GATEWAY_PORT", String.valueOf(port));
            env.put("CRASHPIPE_TOKEN_HASHES", hashes.toString());
            gateways.add(new ServiceProcess("gateway-" + i, cliJar, small, List.of("serve", "gateway"), env, work));
            gatewayUris.add(URI.create("http://127.0.0.1:" + port + "/"));
        }
        for (int i = 1; i <= shape.topologies(); i++) {
            Map<String, String> env = new HashMap<>(common);
            env.put("CRASHPIPE_STATE_DIR", work.resolve("topology-" + i + "-state").toString());
            env.put("CRASHPIPE_REPLICATION_FACTOR", String.valueOf(replication));
            env.put("CRASHPIPE_PARTITIONS", String.valueOf(shape.partitions()));
            env.put("CRASHPIPE_STANDBY_REPLICAS", "1");
            topologies.add(new ServiceProcess("topology-" + i, cliJar, List.of("-Xmx" + shape.topologyHeap()),
                    List.of("serve", "topology"), env, work));
        }
        for (int i = 1; i <= shape.sinks(); i++) {
            Map<String, String> env = new HashMap<>(common);
            env.put("CRASHPIPE_ES_URL", elasticsearch.uri().toString());
            env.put("CRASHPIPE_INDEX_PREFIX", indices.crashReports().substring(0,
                    indices.crashReports().length() - SinkIndices.DEFAULT.crashReports().length()));
            env.put("CRASHPIPE_SINK_GROUP", "storm-sink");
            sinks.add(new ServiceProcess("sink-" + i, cliJar, small, List.of("serve", "sink"), env, work));
        }
        // the registry has every schema before the first gateway asks for one
        List<ServiceProcess> all = new ArrayList<>(gateways);
        all.addAll(topologies);
        all.addAll(sinks);
        startAll(all);
    }

    /** Starts the services at once (each JVM start is slow on a busy machine) and waits for every ready line. */
    private static void startAll(List<ServiceProcess> services) throws IOException, InterruptedException {
        List<CompletableFuture<String>> ready = new ArrayList<>();
        for (ServiceProcess s : services) {
            ready.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return s.start(READY_WAIT);
                } catch (IOException e) {
                    throw new CompletionException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r)));
        }
        for (CompletableFuture<String> f : ready) {
            join(f);
        }
    }

    static <T> T join(CompletableFuture<T> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The services first (their clients still find Kafka), then the registry, Kafka, Elasticsearch. */
    @Override
    public void close() {
        List<ServiceProcess> all = new ArrayList<>(gateways);
        all.addAll(topologies);
        all.addAll(sinks);
        List<Thread> stopping = new ArrayList<>();
        for (ServiceProcess s : all) {
            stopping.add(Thread.ofPlatform().start(() -> {
                try {
                    s.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        registry.close();
        kafka.close();
        elasticsearch.close();
    }
}
