package io.crashpipe.sink.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real single-node Elasticsearch on loopback, security off, small heap: the embedded default
 * of {@code crashpipe up} and the node the integration tests index into.
 *
 * <p>The distribution stays read-only; everything the node writes (a copy of its config, data,
 * logs, temp files) goes to {@link Settings#workDir()}, owned by the service user.
 */
public final class LocalElasticsearch implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int CONSOLE_TAIL_LINES = 15;

    /**
     * @param httpPort 0 picks a free port
     * @param heap the node's -Xms/-Xmx, e.g. {@code 512m}
     * @param deleteOnStop whether {@link #close()} removes the work directory (tests) or keeps
     *     the data for the next start ({@code crashpipe up})
     */
    public record Settings(EsDistribution distribution, Path workDir, int httpPort, String heap,
            Duration startTimeout, Path javaHome, String userName, boolean deleteOnStop) {

        public static Settings defaults(EsDistribution distribution, Path workDir) {
            // Green in 11-20 s on an idle machine; a busy one (2 cores shared by several builds) needs minutes.
            return new Settings(distribution, workDir.toAbsolutePath().normalize(), 9200, "512m",
                    Duration.ofMinutes(8), Path.of(System.getProperty("java.home")), ServiceUser.DEFAULT_NAME, false);
        }

        public Settings withHttpPort(int port) {
            return new Settings(distribution, workDir, port, heap, startTimeout, javaHome, userName, deleteOnStop);
        }

        public Settings withDeleteOnStop(boolean delete) {
            return new Settings(distribution, workDir, httpPort, heap, startTimeout, javaHome, userName, delete);
        }
    }

    private final Settings settings;
    private final Process process;
    private final URI uri;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalElasticsearch(Settings settings, Process process, URI uri) {
        this.settings = settings;
        this.process = process;
        this.uri = uri;
        this.shutdownHook = new Thread(this::stopQuietly, "crashpipe-es-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the node and returns once the cluster is green; stops it again if that fails. */
    public static LocalElasticsearch start(Settings settings) throws IOException {
        // a node an earlier crashpipe left behind (killed before it could stop it) goes first
        int reclaimed = NodeLease.reclaim(settings.workDir());
        if (reclaimed > 0) {
            System.getLogger(LocalElasticsearch.class.getName()).log(System.Logger.Level.INFO,
                    "stopped " + reclaimed + " leftover Elasticsearch process(es) in " + settings.workDir());
        }
        int port = settings.httpPort() == 0 ? freeLoopbackPort() : requireFreePort(settings.httpPort());
        ServiceUser user = ServiceUser.forCurrentProcess(settings.userName());
        Path work = prepareWorkDir(settings, user);
        URI uri = URI.create("http://127.0.0.1:" + port);

        ProcessBuilder pb = new ProcessBuilder(NodeLease.guarded(user.command(List.of(
                settings.distribution().launcher().toString(),
                "-E", "cluster.name=crashpipe-local",
                "-E", "node.name=crashpipe",
                "-E", "discovery.type=single-node",
                "-E", "xpack.security.enabled=false",
                "-E", "network.host=127.0.0.1",
                "-E", "http.port=" + port,
                "-E", "path.data=" + work.resolve("data"),
                "-E", "path.logs=" + work.resolve("logs"),
                // The machine is shared: size thread pools for one core rather than all of them.
                "-E", "node.processors=1",
                // A nearly full developer disk must not turn indices read-only under the tests.
                "-E", "cluster.routing.allocation.disk.threshold_enabled=false"))));
        Map<String, String> env = pb.environment();
        env.put("ES_PATH_CONF", work.resolve("config").toString());
        env.put("ES_TMPDIR", work.resolve("tmp").toString());
        env.put("ES_JAVA_HOME", settings.javaHome().toString());
        env.put("ES_JAVA_OPTS", "-Xms" + settings.heap() + " -Xmx" + settings.heap());
        env.remove("JAVA_TOOL_OPTIONS");
        pb.directory(work.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(console(work).toFile());

        // standard input stays a pipe from this JVM: the guard stops the node when it closes
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        LocalElasticsearch node = new LocalElasticsearch(settings, pb.start(), uri);
        try {
            NodeLease.record(work, node.process.toHandle());
            node.awaitGreen(settings.startTimeout());
            NodeLease.record(work, node.process.toHandle()); // now with the node's own JVMs
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    public URI uri() {
        return uri;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the node (SIGTERM, then SIGKILL after a grace time) and, if configured, deletes its files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; nothing to remove
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        // the guard passes SIGTERM to runuser, which passes it on to the launcher: a clean shutdown.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : tree) {
                h.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        if (settings.deleteOnStop()) {
            deleteTree(settings.workDir());
        }
    }

    private void awaitGreen(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/_cluster/health?wait_for_status=green&timeout=2s"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Elasticsearch exited with status " + process.exitValue() + " while starting; "
                        + consoleTail());
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"status\":\"green\"")) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the HTTP port opens late in startup
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Elasticsearch at " + uri, e);
            }
            sleep(500);
        }
        throw new IOException("Elasticsearch at " + uri + " was not green after " + timeout.toSeconds() + " s; "
                + consoleTail());
    }

    private String consoleTail() {
        Path console = console(settings.workDir());
        try (Stream<String> lines = Files.lines(console)) {
            List<String> all = lines.toList();
            return "last lines of " + console + ":\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - CONSOLE_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "no console output at " + console;
        }
    }

    private static Path console(Path work) {
        return work.resolve("console.log");
    }

    private static Path prepareWorkDir(Settings settings, ServiceUser user) throws IOException {
        Path work = settings.workDir();
        for (String sub : List.of("data", "logs", "tmp")) {
            Files.createDirectories(work.resolve(sub));
        }
        Path config = work.resolve("config");
        if (!Files.isDirectory(config)) {
            copyTree(settings.distribution().config(), config);
        }
        user.own(work);
        if (user.switchUser()) {
            // The service user has to walk down to its files, the distribution and the JDK.
            makeTraversable(work.getParent());
            makeTraversable(settings.distribution().home());
            makeTraversable(settings.javaHome());
        }
        return work;
    }

    /** Adds search (x) permission for others on the directory and every parent that lacks it. */
    private static void makeTraversable(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover directory under target/ is harmless
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int requireFreePort(int port) throws IOException {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IOException("port " + port + " on 127.0.0.1 is already in use (another Elasticsearch?)", e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Elasticsearch", e);
        }
    }
}
