package io.crashpipe.sink;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crashpipe.sink.local.EsDistribution;
import io.crashpipe.sink.local.LocalElasticsearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * The one Elasticsearch node the integration tests of this JVM share: started on first use on a
 * free port, stopped and deleted when the JVM exits. -Dcrashpipe.es.test.url points the tests at
 * an already running node instead.
 */
public final class TestElasticsearch {
    private static URI uri;
    private static LocalElasticsearch node;

    private TestElasticsearch() {}

    /** The node these tests started, or empty when they use an external one. */
    static synchronized java.util.Optional<LocalElasticsearch> node() {
        uri();
        return java.util.Optional.ofNullable(node);
    }

    public static synchronized URI uri() {
        if (uri != null) {
            return uri;
        }
        String external = System.getProperty("crashpipe.es.test.url");
        if (external != null && !external.isBlank()) {
            return uri = URI.create(external);
        }
        assumeTrue(System.getProperty(EsDistribution.HOME_PROPERTY) != null,
                "no Elasticsearch distribution (-D" + EsDistribution.HOME_PROPERTY + "); run through mvn verify");
        try {
            Path work = Path.of(System.getProperty("crashpipe.es.work", "target/es-it"))
                    .resolve("node-" + ProcessHandle.current().pid());
            node = LocalElasticsearch.start(
                    LocalElasticsearch.Settings.defaults(EsDistribution.configured(), work)
                            .withHttpPort(0)
                            .withDeleteOnStop(true));
            // LocalElasticsearch stops itself on JVM exit; the node outlives single test classes on purpose.
            return uri = node.uri();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
