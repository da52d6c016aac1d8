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
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real multi-broker KRaft cluster on loopback: a quorum of controllers and separate brokers
 * (node ids 1..brokers; controllers from 101), internal topics replicated on up to three brokers
 * with a min ISR one less, so one broker can be stopped or killed while producers with acks=all
 * go on. The nodes run in this JVM (tests) or each in a JVM of its own, which can be killed
 * (failure tests and {@code crashpipe bench storm}).
 *
 * <p>Why controllers and brokers are separate nodes: a broker's clean stop asks the controllers to
 * move its partitions away and waits for their answer (up to five minutes). With combined nodes,
 * stopping the nodes one after the other takes the quorum away before the last broker gets its
 * answer; here every broker stops while the quorum is whole, then the controllers stop.
 */
public final class LocalKafkaCluster implements AutoCloseable {
    private static final int CONTROLLER_IDS = 101;
    private static final Duration READY_WAIT = Duration.ofMinutes(3);

    private final Path dir;
    private final boolean deleteOnClose;
    private final int[] brokerPorts;
    private final List<KafkaNode> controllers;
    private final List<KafkaNode> brokers;

    private LocalKafkaCluster(Path dir, boolean deleteOnClose, int[] brokerPorts, List<KafkaNode> controllers,
            List<KafkaNode> brokers) {
        this.dir = dir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPorts = brokerPorts;
        this.controllers = controllers;
        this.brokers = brokers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Three brokers and three controllers in this JVM, in a temporary directory deleted on close. */
    public static LocalKafkaCluster startTemporary(int brokers) throws IOException {
        return builder().brokers(brokers).start();
    }

    /** How many brokers the cluster has (running or not). */
    public int size() {
        return brokers.size();
    }

    /** Every broker's listener. */
    public String bootstrapServers() {
        return IntStream.of(brokerPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Stops broker {@code i} (0-based) cleanly: its partitions are led elsewhere first. */
    public void stopBroker(int i) {
        brokers.get(i).stop();
    }

    /** Kills broker {@code i} with SIGKILL (nodes in child JVMs only). */
    public void killBroker(int i) {
        brokers.get(i).kill();
    }

    /** Starts broker {@code i} again on its log and port, and waits until the cluster counts it. */
    public void restartBroker(int i) throws IOException {
        brokers.get(i).start();
        awaitBrokers((int) brokers.stream().filter(KafkaNode::running).count(), READY_WAIT);
    }

    public boolean brokerRunning(int i) {
        return brokers.get(i).running();
    }

    /** Every broker stopped cleanly while the quorum is whole, then the controllers. */
    @Override
    public void close() {
        all(brokers, KafkaNode::stop);
        all(controllers, KafkaNode::stop);
        if (deleteOnClose) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary directory is harmless
            }
        }
    }

    /** Runs {@code action} on every node at once and waits for all (starting, stopping). */
    private static void all(List<KafkaNode> nodes, Consumer<KafkaNode> action) {
        List<Thread> threads = new ArrayList<>();
        for (KafkaNode n : nodes) {
            threads.add(Thread.ofPlatform().name("kafka-node-" + threads.size()).start(() -> action.accept(n)));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void start() throws IOException {
        List<IOException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<KafkaNode> every = new ArrayList<>(controllers);
        every.addAll(brokers);
        // a quorum needs a majority of its voters, and a broker's start waits for the quorum: all at once
        all(every, n -> {
            try {
                n.start();
            } catch (IOException e) {
                failures.add(e);
            }
        });
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        awaitBrokers(brokers.size(), READY_WAIT);
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
                for (KafkaNode n : controllers) {
                    checkAlive(n);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the Kafka cluster on " + bootstrapServers() + " did not count " + count
                            + " brokers within " + timeout + " (nodes in " + dir + ")");
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Kafka", e);
        }
    }

    /** A child node that died on start fails the wait at once, with its log. */
    private static void checkAlive(KafkaNode n) throws IOException {
        if (n instanceof ChildJvmNode c && !c.running()) {
            throw new IOException("Kafka node " + c + " exited; its log ends:\n" + c.logTail());
        }
    }

    /** What cluster to start. */
    public static final class Builder {
        private int brokers = 3;
        private int controllers = 3;
        private KafkaNode.Placement placement = KafkaNode.Placement.IN_PROCESS;
        private String heap = "256m";
        private Path dir;

        private Builder() {}

        public Builder brokers(int n) {
            this.brokers = n;
            return this;
        }

        /** Voters of the metadata quorum (3 survives one loss; 1 is cheapest). */
        public Builder controllers(int n) {
            this.controllers = n;
            return this;
        }

        /** Each node in a JVM of its own with this maximum heap (e.g. "256m"), so it can be killed. */
        public Builder childJvms(String maxHeap) {
            this.placement = KafkaNode.Placement.CHILD_JVMS;
            this.heap = maxHeap;
            return this;
        }

        /** Where the logs live (kept on close); default a temporary directory deleted on close. */
        public Builder directory(Path d) {
            this.dir = d;
            return this;
        }

        public LocalKafkaCluster start() throws IOException {
            if (brokers < 1 || controllers < 1) {
                throw new IllegalArgumentException("a cluster needs a broker and a controller");
            }
            boolean temporary = dir == null;
            Path root = temporary ? Files.createTempDirectory("crashpipe-kafka-cluster-") : Files.createDirectories(dir);
            int[] controllerPorts = IntStream.range(0, controllers).map(i -> LocalKafka.freePort()).toArray();
            int[] brokerPorts = IntStream.range(0, brokers).map(i -> LocalKafka.freePort()).toArray();
            String voters = IntStream.range(0, controllers)
                    .mapToObj(i -> (CONTROLLER_IDS + i) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
            int replication = Math.min(3, brokers);
            String clusterId = Uuid.randomUuid().toString();
            List<KafkaNode> controllerNodes = new ArrayList<>();
            for (int i = 0; i < controllers; i++) {
                String name = "controller-" + (CONTROLLER_IDS + i);
                NodeProperties np = new NodeProperties(CONTROLLER_IDS + i, root.resolve(name), voters, replication);
                controllerNodes.add(node(root, name, np.controller(controllerPorts[i]), clusterId));
            }
            List<KafkaNode> brokerNodes = new ArrayList<>();
            for (int i = 0; i < brokers; i++) {
                String name = "broker-" + (i + 1);
                NodeProperties np = new NodeProperties(i + 1, root.resolve(name), voters, replication);
                brokerNodes.add(node(root, name, np.broker(brokerPorts[i]), clusterId));
            }
            LocalKafkaCluster c = new LocalKafkaCluster(root, temporary, brokerPorts, controllerNodes, brokerNodes);
            try {
                c.start();
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }

        private KafkaNode node(Path root, String name, Properties props, String clusterId) throws IOException {
            Path file = root.resolve(name + ".properties");
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                props.store(w, "crashpipe local kafka cluster: " + name);
            }
            LocalKafka.format(file, clusterId);
            return placement.node(name, file, root, heap);
        }
    }
}
