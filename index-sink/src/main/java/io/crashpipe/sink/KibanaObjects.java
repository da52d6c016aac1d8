package io.crashpipe.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kibana saved objects (data views, searches, Lens visualizations, the dashboard) as shipped in
 * {@code src/main/kibana/crashpipe.ndjson}, with the data views pointed at the indices a
 * deployment actually writes (its index prefix), ready for Kibana's saved-objects import.
 */
public final class KibanaObjects {
    private static final String RESOURCE = "kibana/crashpipe.ndjson";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private KibanaObjects() {}

    /** Every object as shipped (data views on the default index names). */
    public static List<ObjectNode> shipped() {
        try (InputStream in = KibanaObjects.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Kibana saved objects " + RESOURCE + " are missing from the jar");
            }
            List<ObjectNode> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    out.add((ObjectNode) MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Kibana saved objects " + RESOURCE + " do not parse", e);
        }
    }

    /** The objects with each data view's title (its index pattern) set to the index {@code indices} names. */
    public static List<ObjectNode> forIndices(SinkIndices indices) {
        Map<String, String> titles = Map.of(
                SinkIndices.DEFAULT.crashReports(), indices.crashReports(),
                SinkIndices.DEFAULT.kernelLog(), indices.kernelLog(),
                SinkIndices.DEFAULT.crashGroups(), indices.crashGroups(),
                SinkIndices.DEFAULT.crashAlerts(), indices.crashAlerts());
        List<ObjectNode> out = shipped();
        for (ObjectNode o : out) {
            if ("index-pattern".equals(o.path("type").asText())) {
                JsonNode attributes = o.path("attributes");
                String title = attributes.path("title").asText();
                ((ObjectNode) attributes).put("title", titles.getOrDefault(title, title));
            }
        }
        return out;
    }

    /** As Kibana's import takes them: one JSON object per line. */
    public static String ndjson(List<ObjectNode> objects) {
        StringBuilder b = new StringBuilder();
        objects.forEach(o -> b.append(o).append('\n'));
        return b.toString();
    }
}
