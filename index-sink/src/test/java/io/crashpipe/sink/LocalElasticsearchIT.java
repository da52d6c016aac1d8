package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.sink.local.LocalElasticsearch;
import io.crashpipe.sink.local.ServiceUser;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node LocalElasticsearch starts: single node, loopback only, small heap, not root. */
class LocalElasticsearchIT {

    @Test
    void singleNodeOnLoopbackWithHalfAGigabyteHeap() throws Exception {
        JsonNode nodes = get("/_nodes/jvm,http");
        assertEquals(1, nodes.at("/_nodes/total").asInt());
        JsonNode node = nodes.get("nodes").elements().next();
        assertEquals(512L << 20, node.at("/jvm/mem/heap_max_in_bytes").asLong());
        node.at("/http/bound_address").forEach(a -> assertTrue(a.asText().startsWith("127.0.0.1:"), a.asText()));
        assertEquals("green", get("/_cluster/health").path("status").asText());
    }

    @Test
    void asRootTheNodeRunsAsTheServiceUser() throws Exception {
        Optional<LocalElasticsearch> started = TestElasticsearch.node();
        assumeTrue(started.isPresent(), "tests use an external node");
        // the node's JVMs (under the guard shell and runuser, which stay root)
        List<ProcessHandle> tree = ProcessHandle.of(started.get().pid()).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
        assertTrue(!tree.isEmpty(), "no Elasticsearch processes under " + started.get().pid());
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        String expected = root ? ServiceUser.DEFAULT_NAME : System.getProperty("user.name");
        for (ProcessHandle p : tree) {
            assertEquals(expected, p.info().user().orElse("?"), "owner of pid " + p.pid());
        }
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(TestElasticsearch.uri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
