package io.crashpipe.localkafka;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real multi-node KRaft cluster in this JVM on loopback: every node is broker and controller,
 * the internal topics are replicated on all of them (up to three) with a min ISR one less, so
 * one node can be stopped and started again while producers with acks=all go on. For the
 * scale-out and failure tests.
 */
public final class LocalKafkaCluster implements AutoCloseable {
    private final Path dir;
    private final int[] ports;
    private final Properties[] props;
    private final KafkaRaftServer[] nodes;

    private LocalKafkaCluster(Path dir, int[] ports, Properties[] props) {
        this.dir = dir;
        this.ports = ports;
        this.props = props;
        this.nodes = new KafkaRaftServer[ports.length];
    }

    /** Starts {@code size} nodes in a fresh temporary directory (deleted on close). */
    public static LocalKafkaCluster startTemporary(int size) throws IOException {
        Path dir = Files.createTempDirectory("crashpipe-kafka-cluster-");
        int[] ports = new int[size];
        int[] controllers = new int[size];
        for (int i = 0; i < size; i++) {
            ports[i] = LocalKafka.freePort();
            controllers[i] = LocalKafka.freePort();
        }
        String voters = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllers[i]).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        Properties[] props = new Properties[size];
        for (int i = 0; i < size; i++) {
            Path node = dir.resolve("node-" + (i + 1));
            Files.createDirectories(node);
            props[i] = LocalKafka.brokerProperties(node.resolve("log"), i + 1, ports[i], controllers[i], voters, Math.min(3, size));
            Path file = node.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                props[i].store(w, "crashpipe local kafka cluster node " + (i + 1));
            }
            Files.writeString(node.resolve("cluster.id"), clusterId);
            LocalKafka.format(file, node);
        }
        LocalKafkaCluster c = new LocalKafkaCluster(dir, ports, props);
        try {
            // a quorum needs a majority of its voters: start them together
            List<Thread> starting = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int n = i;
                Thread t = new Thread(() -> c.startNode(n), "kafka-node-" + (n + 1) + "-start");
                t.start();
                starting.add(t);
            }
            for (Thread t : starting) {
                t.join();
            }
            c.awaitBrokers(size, Duration.ofSeconds(90));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new IOException("interrupted while starting the cluster", e);
        }
        return c;
    }

    public int size() {
        return ports.length;
    }

    /** Every running node's listener. */
    public String bootstrapServers() {
        return java.util.stream.IntStream.range(0, ports.length).mapToObj(i -> "127.0.0.1:" + ports[i])
                .collect(Collectors.joining(","));
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Stops node {@code i} (0-based), as a crash would leave its log: it can be started again. */
    public void stop(int i) {
        KafkaRaftServer s;
        synchronized (this) {
            s = nodes[i];
            nodes[i] = null;
        }
        if (s != null) {
            s.shutdown();
            s.awaitShutdown();
        }
    }

    /** Starts node {@code i} again on its log and port, and waits until the cluster counts it. */
    public void restart(int i) throws IOException {
        startNode(i);
        int running;
        synchronized (this) {
            running = (int) java.util.Arrays.stream(nodes).filter(java.util.Objects::nonNull).count();
        }
        awaitBrokers(running, Duration.ofSeconds(90));
    }

    /** Not synchronized: a node's startup blocks until a quorum of the others is up. */
    private void startNode(int i) {
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props[i]), Time.SYSTEM);
        s.startup();
        synchronized (this) {
            nodes[i] = s;
        }
    }

    private void awaitBrokers(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the Kafka cluster on " + bootstrapServers() + " did not count " + count
                            + " brokers within " + timeout);
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Kafka", e);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            stop(i);
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
