package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestDocuments;
import io.crashpipe.sink.TestElasticsearch;
import io.crashpipe.sink.TestIndexing;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import io.crashpipe.sink.write.SinkDocument;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** crashpipe search against a real Elasticsearch node holding two indexed dumps. */
class SearchCommandIT {
    private static ElasticsearchClient client;
    private static SinkIndices indices;

    @BeforeAll
    static void indexTwoDumps() throws Exception {
        client = EsClients.connect(TestElasticsearch.uri());
        indices = TestIndexing.freshIndices(client);
        List<SinkDocument> docs = new ArrayList<>();
        for (String dump : List.of("dump-1", "dump-2")) {
            docs.add(TestDocuments.crashReport(dump, "0.1.0").toSinkDocument(indices));
            for (KernelLogLineDocument line : TestDocuments.logLines(dump, "0.1.0")) {
                docs.add(line.toSinkDocument(indices));
            }
        }
        TestIndexing.index(client, indices, docs);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        TestIndexing.delete(client, indices);
        EsClients.close(client);
    }

    @Test
    void printsMatchingCrashesAndLogLines() {
        CliRun r = search("sysrq triggered");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("crashes: 2", lines.get(0));
        assertTrue(lines.get(1).matches("  2026-11-22T14:56:44Z  vmcore-lab  6\\.1\\.0-56-amd64  dump-[12]  "
                + "Kernel panic - not syncing: sysrq triggered crash"), lines.get(1));
        assertEquals("log lines: 2", lines.get(3));
        assertTrue(lines.get(4).matches("  vmcore-lab  dump-[12]  #375  \\[    8\\.125779\\]  "
                + "Kernel panic - not syncing: sysrq triggered crash"), lines.get(4));
    }

    @Test
    void jsonIsTheArrayOfMatchingCrashReportsAsIndexed() throws Exception {
        CliRun r = search("--json", "sysrq triggered");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode array = Json.MAPPER.readTree(r.out());
        assertEquals(2, array.size());
        JsonNode expected = TestDocuments.crashReport(array.get(0).at("/crash/dump_id").asText(), "0.1.0").toSource();
        // through text, so that numbers compare by value (the source holds longs, parsing yields ints)
        assertEquals(Json.MAPPER.readTree(expected.toString()), array.get(0));
    }

    @Test
    void aFunctionOnThePanicStackFindsTheReport() throws Exception {
        for (String function : List.of("sysrq_handle_crash", "write_sysrq_trigger")) {
            CliRun r = search("--json", function);
            assertEquals(0, r.exitCode(), r.err());
            JsonNode array = Json.MAPPER.readTree(r.out());
            assertEquals(2, array.size(), function);
            assertTrue(array.get(0).at("/error/stack_trace").asText().contains(function));
        }
    }

    @Test
    void noMatchPrintsEmptySections() {
        CliRun r = search("no-such-message-anywhere");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("crashes: 0\nlog lines: 0\n", r.out());
    }

    private static CliRun search(String... args) {
        List<String> all = new ArrayList<>(List.of("search", "--url", TestElasticsearch.uri().toString(),
                "--index-prefix", indices.crashReports().replace(SinkIndices.DEFAULT.crashReports(), "")));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }
}
