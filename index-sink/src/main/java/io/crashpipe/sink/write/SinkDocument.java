package io.crashpipe.sink.write;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One document as the writer sends it: where it goes, its idempotent id, the external version
 * that decides whether it may replace what is there, and its source.
 */
public record SinkDocument(String index, String id, long version, ObjectNode source) {
    public SinkDocument {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("document for index " + index + " has no id");
        }
        if (version < 0) {
            throw new IllegalArgumentException("document " + id + " has negative version " + version);
        }
    }
}
