package io.crashpipe.sink;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The field paths a document source uses, as a mapping names them: objects walked, arrays of objects
 * walked element by element, arrays of values as one field, an empty array as nothing.
 */
final class SourceFields {
    private SourceFields() {}

    /**
     * @param fieldTypes the template's paths; a path typed {@code flattened} or a disabled
     *     {@code object} is not descended into
     */
    static Set<String> of(JsonNode source, Map<String, String> fieldTypes) {
        Set<String> out = new TreeSet<>();
        walk("", source, fieldTypes, out);
        return out;
    }

    private static void walk(String prefix, JsonNode node, Map<String, String> types, Set<String> out) {
        node.properties().forEach(e -> {
            String path = prefix + e.getKey();
            JsonNode v = e.getValue();
            String type = types.get(path);
            boolean opaque = "flattened".equals(type) || "object".equals(type);
            if (v.isObject() && !opaque) {
                walk(path + ".", v, types, out);
            } else if (v.isArray() && !opaque) {
                for (JsonNode element : v) {
                    if (element.isObject()) {
                        walk(path + ".", element, types, out);
                    } else {
                        out.add(path);
                    }
                }
            } else {
                out.add(path);
            }
        });
    }
}
