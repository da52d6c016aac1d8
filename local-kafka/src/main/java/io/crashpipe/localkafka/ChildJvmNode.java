package io.crashpipe.localkafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A KRaft server in a JVM of its own ({@link KafkaNodeMain} on this JVM's class path), so that
 * it can be killed like a real broker. Its output goes to {@code NAME.log} in the work directory;
 * it stops by itself when this JVM ends.
 */
final class ChildJvmNode implements KafkaNode {
    private static final long STOP_WAIT_SECONDS = 120;

    private final String name;
    private final Path properties;
    private final Path log;
    private final String heap;
    private volatile Process process;

    ChildJvmNode(String name, Path properties, Path work, String heap) {
        this.name = name;
        this.properties = properties;
        this.log = work.resolve(name + ".log");
        this.heap = heap;
    }

    @Override
    public synchronized void start() throws IOException {
        if (running()) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx" + heap, "-Xms32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("crashpipe.kafka.child.log", "warn"), "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), KafkaNodeMain.class.getName(), properties.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // standard input stays a pipe from this JVM: the node stops when it closes
        process = pb.start();
    }

    @Override
    public void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy(); // SIGTERM: the node's shutdown hook stops the server cleanly
        try {
            if (!p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly(); // SIGKILL
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The last lines of the node's log, for an error message. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    @Override
    public String toString() {
        Process p = process;
        return name + (p == null ? " (stopped)" : " (pid " + p.pid() + ")");
    }
}
