package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kibana saved objects under src/main/kibana only name fields the index templates define, every
 * reference between objects resolves, and the data views follow the configured index prefix.
 */
class KibanaSavedObjectsTest {
    private static final Path NDJSON = Path.of("src/main/kibana/crashpipe.ndjson");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A KQL field reference: a name followed by ':' or a range operator. */
    private static final Pattern KQL_FIELD = Pattern.compile("([@A-Za-z_][\\w.@]*)\\s*(?::|<=|>=|<|>)");
    private static final Set<String> SORTABLE = Set.of("keyword", "date", "long", "integer", "short", "byte",
            "float", "double", "boolean");
    private static final Map<String, IndexTemplate> TEMPLATE_BY_TITLE = Map.of(
            SinkIndices.DEFAULT.crashReports(), IndexTemplate.CRASH_REPORTS,
            SinkIndices.DEFAULT.kernelLog(), IndexTemplate.KERNEL_LOG,
            SinkIndices.DEFAULT.crashGroups(), IndexTemplate.CRASH_GROUPS,
            SinkIndices.DEFAULT.crashAlerts(), IndexTemplate.CRASH_ALERTS);

    private static List<JsonNode> objects;
    private static Map<String, IndexTemplate> templateByDataViewId;

    @BeforeAll
    static void load() throws IOException {
        objects = new ArrayList<>();
        for (String line : Files.readAllLines(NDJSON)) {
            if (!line.isBlank()) {
                objects.add(MAPPER.readTree(line));
            }
        }
        templateByDataViewId = new HashMap<>();
        for (JsonNode o : objects) {
            if ("index-pattern".equals(o.path("type").asText())) {
                String title = o.at("/attributes/title").asText();
                IndexTemplate t = TEMPLATE_BY_TITLE.get(title);
                assertNotNull(t, "data view " + o.path("id").asText() + " is on '" + title + "', which no template covers");
                templateByDataViewId.put(o.path("id").asText(), t);
            }
        }
    }

    @Test
    void dataViewsForEveryIndexUseTheTimestampDateField() {
        assertEquals(Set.copyOf(TEMPLATE_BY_TITLE.values()), Set.copyOf(templateByDataViewId.values()));
        for (JsonNode o : objects) {
            if ("index-pattern".equals(o.path("type").asText())) {
                String time = o.at("/attributes/timeFieldName").asText();
                assertEquals("@timestamp", time);
                assertEquals("date", templateByDataViewId.get(o.path("id").asText()).fieldTypes().get(time));
            }
        }
    }

    @Test
    void savedSearchesReferenceOnlyMappedFieldsAndSortOnSortableOnes() throws IOException {
        int searches = 0;
        for (JsonNode o : objects) {
            if (!"search".equals(o.path("type").asText())) {
                continue;
            }
            searches++;
            String name = o.at("/attributes/title").asText();
            JsonNode source = MAPPER.readTree(o.at("/attributes/kibanaSavedObjectMeta/searchSourceJSON").asText());
            Map<String, String> fields = dataViewOf(o, source.path("indexRefName").asText()).fieldTypes();

            o.at("/attributes/columns").forEach(c ->
                    assertTrue(fields.containsKey(c.asText()), name + ": column " + c.asText() + " is not mapped"));
            o.at("/attributes/sort").forEach(s -> {
                String f = s.get(0).asText();
                assertTrue(SORTABLE.contains(fields.get(f)), name + ": sorts on " + f + " (" + fields.get(f) + ")");
            });
            Matcher m = KQL_FIELD.matcher(source.at("/query/query").asText());
            while (m.find()) {
                assertTrue(fields.containsKey(m.group(1)), name + ": query uses unmapped field " + m.group(1));
            }
        }
        assertEquals(6, searches);
    }

    /** Lens operations that bucket or sort on a field need an aggregatable (keyword, date, numeric) field. */
    private static final Set<String> AGGREGATABLE = SORTABLE;

    @Test
    void lensVisualizationsUseOnlyMappedAggregatableFieldsOfTheirDataView() {
        List<String> titles = new ArrayList<>();
        for (JsonNode o : objects) {
            if (!"lens".equals(o.path("type").asText())) {
                continue;
            }
            String name = o.at("/attributes/title").asText();
            titles.add(name);
            JsonNode layers = o.at("/attributes/state/datasourceStates/formBased/layers");
            assertFalse(layers.isEmpty(), name + " has no layer");
            layers.properties().forEach(layer -> {
                Map<String, String> fields = dataViewOf(o, "indexpattern-datasource-layer-" + layer.getKey()).fieldTypes();
                JsonNode columns = layer.getValue().path("columns");
                layer.getValue().path("columnOrder").forEach(c ->
                        assertTrue(columns.has(c.asText()), name + ": columnOrder names missing column " + c.asText()));
                columns.properties().forEach(c -> {
                    String field = c.getValue().path("sourceField").asText();
                    if ("count".equals(c.getValue().path("operationType").asText())) {
                        return; // counts documents, no field
                    }
                    assertTrue(AGGREGATABLE.contains(fields.get(field)),
                            name + ": column " + c.getKey() + " aggregates on " + field + " (" + fields.get(field) + ")");
                });
            });
        }
        assertTrue(titles.containsAll(List.of("crashpipe: crashes over time by title", "crashpipe: top crash titles",
                "crashpipe: crashes by kernel release", "crashpipe: crashes by host")), titles.toString());
    }

    @Test
    void everyReferenceBetweenObjectsResolvesAndTheDashboardShowsEveryPanel() throws IOException {
        Set<String> present = new java.util.HashSet<>();
        objects.forEach(o -> present.add(o.path("type").asText() + "/" + o.path("id").asText()));
        for (JsonNode o : objects) {
            for (JsonNode ref : o.path("references")) {
                String target = ref.path("type").asText() + "/" + ref.path("id").asText();
                assertTrue(present.contains(target), o.path("id").asText() + " references missing " + target);
            }
        }
        JsonNode dashboard = objects.stream().filter(o -> "dashboard".equals(o.path("type").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard"));
        Set<String> refNames = new java.util.HashSet<>();
        dashboard.path("references").forEach(r -> refNames.add(r.path("name").asText()));
        JsonNode panels = MAPPER.readTree(dashboard.at("/attributes/panelsJSON").asText());
        assertEquals(6, panels.size());
        for (JsonNode p : panels) {
            assertTrue(refNames.contains(p.path("panelRefName").asText()), "panel " + p + " has no reference");
        }
        assertTrue(present.contains("search/crashpipe-latest-panics"));
    }

    @Test
    void theLatestPanicsShowTheirFirstFrame() {
        JsonNode latest = objects.stream().filter(o -> "crashpipe-latest-panics".equals(o.path("id").asText()))
                .findFirst().orElseThrow();
        List<String> columns = new ArrayList<>();
        latest.at("/attributes/columns").forEach(c -> columns.add(c.asText()));
        assertTrue(columns.contains("crash.first_frame"), columns.toString());
    }

    @Test
    void dataViewsFollowTheConfiguredIndexPrefix() {
        SinkIndices prefixed = SinkIndices.withPrefix("prod-");
        List<String> titles = KibanaObjects.forIndices(prefixed).stream()
                .filter(o -> "index-pattern".equals(o.path("type").asText()))
                .map(o -> o.at("/attributes/title").asText()).sorted().toList();
        assertEquals(List.of("prod-crash-alerts", "prod-crash-groups", "prod-crash-reports", "prod-kernel-log"), titles);
        assertEquals(objects.size(), KibanaObjects.shipped().size());
    }

    private static IndexTemplate dataViewOf(JsonNode search, String refName) {
        assertFalse(refName.isEmpty(), search.path("id").asText() + " has no indexRefName");
        for (JsonNode ref : search.path("references")) {
            if (refName.equals(ref.path("name").asText())) {
                IndexTemplate t = templateByDataViewId.get(ref.path("id").asText());
                assertNotNull(t, search.path("id").asText() + " references unknown data view " + ref.path("id").asText());
                return t;
            }
        }
        throw new AssertionError(search.path("id").asText() + " has no reference named " + refName);
    }
}
