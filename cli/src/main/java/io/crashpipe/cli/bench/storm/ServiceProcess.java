package io.crashpipe.cli.bench.storm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code crashpipe serve SERVICE} in a JVM of its own, as a deployment runs it, so that it can
 * be killed with SIGKILL and started again with the same configuration (ports, state directory,
 * group). Its output is appended to {@code NAME.log}; it stops by itself when this JVM ends.
 */
final class ServiceProcess {
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private volatile Process process;

    /**
     * @param jvmOptions e.g. the heap cap
     * @param args after {@code crashpipe}: {@code serve gateway ...}
     */
    ServiceProcess(String name, Path cliJar, List<String> jvmOptions, List<String> args, Map<String, String> env, Path work) {
        this.name = name;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // Kafka's clients, else a warning per start
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", cliJar.toString()));
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
        this.env = Map.copyOf(env);
        this.log = work.resolve(name + ".log");
    }

    String name() {
        return name;
    }

    /** Starts the service and waits for its {@code crashpipe ready} line, which it returns. */
    String start(Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.environment().put(io.crashpipe.cli.serve.Foreground.STOP_ON_STDIN_EOF, "1"); // stdin stays a pipe from this JVM
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        process = p;
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(name + "-out").start(() -> copyOutput(p, ready));
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            p.destroyForcibly();
            throw new IOException(name + " did not print its ready line within " + timeout + "; see " + log, e);
        }
    }

    /** Copies the service's standard output to its log, completing {@code ready} at the ready line. */
    private void copyOutput(Process p, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.startsWith("crashpipe ready")) {
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        ready.completeExceptionally(new IOException(name + " exited (status " + exitStatus(p) + ") before it was ready"));
    }

    private static String exitStatus(Process p) {
        try {
            return p.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** SIGTERM, as a container stop sends, then SIGKILL if it has not stopped within a minute. */
    void stop() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        process = null;
    }

    /** SIGKILL: the process ends where it is, nothing is flushed or committed. */
    void kill() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly().waitFor();
        process = null;
    }

    /** A value from the ready line, e.g. {@code gateway=} gives the gateway's URL. */
    static String readyValue(String readyLine, String key) {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(key)) {
                return part.substring(key.length());
            }
        }
        throw new IllegalStateException("ready line without " + key + ": " + readyLine);
    }
}
