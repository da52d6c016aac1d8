package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crashpipe.sink.local.ElasticsearchChild;
import io.crashpipe.sink.local.EsDistribution;
import io.crashpipe.sink.local.LocalElasticsearch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM running a node is killed with SIGKILL (as {@code up} can be): its node must not outlive
 * it, and a node started again on the same home and port must come up.
 */
class LeftoverElasticsearchIT {

    @Test
    void aNodeWhoseJvmIsKilledStopsWithItAndTheNextStartOnTheSameHomeAndPortSucceeds() throws Exception {
        assumeTrue(System.getProperty(EsDistribution.HOME_PROPERTY) != null, "no Elasticsearch distribution");
        Path home = Path.of(System.getProperty("crashpipe.es.work", "target/es-it")).resolve("leftover-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path")));
        for (String p : List.of(EsDistribution.HOME_PROPERTY, "crashpipe.es.java.home", "crashpipe.es.user")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of(ElasticsearchChild.class.getName(), home.toString(), Integer.toString(port)));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<ProcessHandle> node;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready ")) {
                // the child's log
            }
            assertTrue(line != null, "the child JVM started its node");
            node = ProcessHandle.of(Long.parseLong(line.substring(6).strip())).orElseThrow().descendants().toList();
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        long t0 = System.nanoTime();
        for (ProcessHandle h : node) {
            h.onExit().get(90, TimeUnit.SECONDS); // the guard stops the node when the JVM's pipe closes
        }
        System.out.printf("leftover node gone %.1f s after the SIGKILL%n", (System.nanoTime() - t0) / 1e9);
        try (LocalElasticsearch again = LocalElasticsearch.start(
                LocalElasticsearch.Settings.defaults(EsDistribution.configured(), home).withHttpPort(port).withDeleteOnStop(true))) {
            assertEquals(port, again.uri().getPort());
            assertTrue(Files.exists(home.resolve("node.pid")));
        }
    }
}
