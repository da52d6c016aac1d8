package io.crashpipe.localkafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) on loopback,
 * started in this JVM. Used by the tests and by {@code crashpipe up}; settings are chosen for
 * a small shared machine: one partition per topic by default, replication 1, small buffers.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path dataDir;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private boolean deleteOnClose;

    private LocalKafka(Path dataDir, int brokerPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.server = server;
    }

    /** Starts a broker whose log lives in {@code dataDir} (kept across restarts); port 0 picks one. */
    public static LocalKafka start(Path dataDir, int brokerPort) throws IOException {
        Files.createDirectories(dataDir);
        int port = brokerPort == 0 ? freePort() : brokerPort;
        int controllerPort = freePort();
        Properties props = brokerProperties(dataDir.resolve("log"), port, controllerPort);
        Path propsFile = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
            props.store(w, "crashpipe local kafka");
        }
        format(propsFile, dataDir);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        LocalKafka kafka = new LocalKafka(dataDir, port, server);
        try {
            kafka.awaitReady(Duration.ofSeconds(60));
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** A broker in a fresh temporary directory, deleted on close. */
    public static LocalKafka startTemporary() throws IOException {
        LocalKafka kafka = start(Files.createTempDirectory("crashpipe-kafka-"), 0);
        kafka.deleteOnClose = true;
        return kafka;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A leftover temporary directory is harmless.
            }
        }
    }

    static Properties brokerProperties(Path logDir, int port, int controllerPort) {
        return new NodeProperties(1, logDir, "1@127.0.0.1:" + controllerPort, 1).combined(port, controllerPort);
    }

    static void format(Path propsFile, Path dataDir) throws IOException {
        Path idFile = dataDir.resolve("cluster.id");
        String clusterId = Files.exists(idFile) ? Files.readString(idFile).strip() : Uuid.randomUuid().toString();
        Files.writeString(idFile, clusterId);
        format(propsFile, clusterId);
    }

    /** Formats the log directory a node's properties name, unless it already is (a restart). */
    static void format(Path propsFile, String clusterId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {
                "format", "-t", clusterId, "-c", propsFile.toString(), "--ignore-formatted"},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IOException("formatting the Kafka log of " + propsFile + " failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("Kafka broker on " + bootstrapServers() + " did not answer within " + timeout, e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for Kafka", e);
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
