package io.crashpipe.sink.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ties an Elasticsearch node's life to the JVM that started it, and cleans up after one that
 * did not get to stop it (a SIGKILL).
 * <ul>
 *   <li>The node runs under a small {@code sh} guard whose standard input is a pipe from this
 *       JVM. However the JVM ends, the pipe's write end closes; the guard reads end-of-file and
 *       stops the node (SIGTERM: a clean shutdown). A SIGTERM to the guard does the same.</li>
 *   <li>The pids of the guard and the node are written to {@code node.pid} in the node's work
 *       directory. A start on the same directory first stops whatever of them is still running
 *       there (checked by its command line naming the directory, so a reused pid is never hit)
 *       and waits for it to be gone, so the next start never fails on a busy port or data lock.</li>
 * </ul>
 */
final class NodeLease {
    private static final String PID_FILE = "node.pid";
    private static final Duration STOP_WAIT = Duration.ofSeconds(40);

    private NodeLease() {}

    /** {@code command} run under the guard. */
    static List<String> guarded(List<String> command) {
        List<String> out = new ArrayList<>(List.of("sh", "-c",
                // fd 3: the pipe, since a background list's own standard input is /dev/null
                "exec 3<&0\n"
                        + "\"$@\" </dev/null 3<&- & node=$!\n"
                        + "trap 'kill -TERM $node 2>/dev/null' TERM INT HUP\n"
                        + "(cat <&3 >/dev/null; kill -TERM $$ 2>/dev/null) &\n"
                        + "exec 3<&-\n"
                        + "while kill -0 $node 2>/dev/null; do wait $node; done\n",
                "crashpipe-es-guard"));
        out.addAll(command);
        return out;
    }

    /** Records the guard and every process under it (the node's JVMs), once the node is up. */
    static void record(Path work, ProcessHandle guard) throws IOException {
        StringBuilder sb = new StringBuilder().append(guard.pid()).append('\n');
        guard.descendants().forEach(h -> sb.append(h.pid()).append('\n'));
        Files.writeString(work.resolve(PID_FILE), sb.toString(), StandardCharsets.US_ASCII);
    }

    /**
     * Stops a node an earlier process left running in {@code work} and waits until it is gone.
     *
     * @return how many leftover processes were stopped
     */
    static int reclaim(Path work) throws IOException {
        Path file = work.resolve(PID_FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        String absolute = work.toAbsolutePath().normalize().toString();
        String asGiven = work.toString();
        List<ProcessHandle> leftovers = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.isBlank()) {
                continue;
            }
            ProcessHandle.of(Long.parseLong(line.strip()))
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> commandLine(h.pid()).map(c -> c.contains(absolute) || c.contains(asGiven) || c.contains("crashpipe-es-guard")).orElse(false))
                    .ifPresent(leftovers::add);
        }
        for (ProcessHandle h : leftovers) {
            h.destroy();
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (ProcessHandle h : leftovers) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : leftovers) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("a leftover Elasticsearch process " + h.pid() + " in " + work + " does not stop", e);
            }
        }
        Files.deleteIfExists(file);
        return leftovers.size();
    }

    /** The process's command line from /proc (readable for another user's process too), NUL separators as spaces. */
    private static Optional<String> commandLine(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Optional.of(new String(b, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine());
        }
    }
}
