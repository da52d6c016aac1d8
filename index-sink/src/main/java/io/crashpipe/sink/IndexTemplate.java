package io.crashpipe.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.indices.IndexSettings;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import java.util.TreeMap;

/**
 * One composable index template, kept as a JSON resource ({@code settings} + {@code mappings})
 * so that it reads like what Elasticsearch stores. Installed for exactly one index name.
 */
public record IndexTemplate(String resource, JsonNode body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static final IndexTemplate CRASH_REPORTS = load("crash-reports.template.json");
    public static final IndexTemplate KERNEL_LOG = load("kernel-log.template.json");
    public static final IndexTemplate CRASH_GROUPS = load("crash-groups.template.json");
    public static final IndexTemplate CRASH_ALERTS = load("crash-alerts.template.json");

    /** Installs (or replaces) every template for the given indices, with no lifecycle policy. */
    public static void installAll(ElasticsearchClient client, SinkIndices indices) throws IOException {
        installAll(client, indices, Optional.empty());
    }

    /**
     * Installs every template: crash reports, groups and alerts for exactly their index, kernel log
     * lines for every dated index behind the kernel-log alias, naming {@code lifecyclePolicy} when the
     * cluster has ILM.
     */
    public static void installAll(ElasticsearchClient client, SinkIndices indices, Optional<String> lifecyclePolicy)
            throws IOException {
        CRASH_REPORTS.install(client, indices.crashReports());
        KERNEL_LOG.installDated(client, indices, lifecyclePolicy);
        CRASH_GROUPS.install(client, indices.crashGroups());
        CRASH_ALERTS.install(client, indices.crashAlerts());
    }

    /**
     * Puts this template under the name {@code crashpipe-INDEX}, matching exactly {@code index}, and
     * brings the mappings of {@code index}, if it exists already, up to the template: a template
     * only shapes indices created after it, and the mappings are strict, so an index made by an
     * older template would refuse every document carrying a field added since. Elasticsearch
     * accepts added fields and refuses changed types, which then fail here, by name.
     */
    public void install(ElasticsearchClient client, String index) throws IOException {
        String settings = body.get("settings").toString();
        String mappings = body.get("mappings").toString();
        client.indices().putIndexTemplate(t -> t
                .name(templateName(index))
                .indexPatterns(List.of(index))
                // Above the built-in templates' priorities (100-200), so ours always applies.
                .priority(500L)
                .template(tt -> tt
                        .settings(IndexSettings.of(s -> s.withJson(new StringReader(settings))))
                        .mappings(TypeMapping.of(m -> m.withJson(new StringReader(mappings))))));
        if (client.indices().exists(e -> e.index(index)).value()) {
            client.indices().putMapping(p -> p.index(index).withJson(new StringReader(mappings)));
        }
    }

    /**
     * This template for the dated kernel-log indices ({@code kernel-log-*}), each joining the alias
     * {@code kernel-log} as it is created; existing dated indices get added fields (a changed type
     * cannot be applied to an old index: it keeps its mapping and is named in the log).
     */
    void installDated(ElasticsearchClient client, SinkIndices indices, Optional<String> lifecyclePolicy)
            throws IOException {
        String alias = indices.kernelLog();
        ObjectNode settings = (ObjectNode) body.get("settings").deepCopy();
        lifecyclePolicy.ifPresent(p -> settings.put("index.lifecycle.name", p));
        String mappings = body.get("mappings").toString();
        client.indices().putIndexTemplate(t -> t
                .name(templateName(alias))
                .indexPatterns(List.of(indices.kernelLogPattern()))
                .priority(500L)
                .template(tt -> tt
                        .aliases(alias, a -> a)
                        .settings(IndexSettings.of(s -> s.withJson(new StringReader(settings.toString()))))
                        .mappings(TypeMapping.of(m -> m.withJson(new StringReader(mappings))))));
        var existing = client.indices().get(g -> g.index(indices.kernelLogPattern()).allowNoIndices(true)
                .ignoreUnavailable(true)).result().keySet();
        for (String index : existing) {
            try {
                client.indices().putMapping(p -> p.index(index).withJson(new StringReader(mappings)));
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                LoggerFactory.getLogger(IndexTemplate.class).warn("index {} keeps its older mapping: {}", index,
                        e.getMessage());
            }
        }
    }

    public static String templateName(String index) {
        return "crashpipe-" + index;
    }

    /**
     * Every field path the mappings define, with its type: leaf fields, and multi-fields as
     * {@code parent.sub}. Object containers themselves are not listed.
     */
    public Map<String, String> fieldTypes() {
        Map<String, String> out = new TreeMap<>();
        collect("", body.path("mappings").path("properties"), out);
        return out;
    }

    private static void collect(String prefix, JsonNode properties, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            String path = prefix + e.getKey();
            JsonNode def = e.getValue();
            if (def.has("properties")) {
                collect(path + ".", def.get("properties"), out);
                continue;
            }
            out.put(path, def.path("type").asText("object"));
            def.path("fields").properties().forEach(sub ->
                    out.put(path + "." + sub.getKey(), sub.getValue().path("type").asText()));
        }
    }

    private static IndexTemplate load(String name) {
        try (InputStream in = IndexTemplate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("index template resource " + name + " is missing from the jar");
            }
            return new IndexTemplate(name, MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("index template resource " + name + " is not valid JSON", e);
        }
    }
}
