package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Small helpers for building document sources: absent values are left out, never written as null. */
final class Sources {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Sources() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Dates as ISO-8601 UTC, which Elasticsearch's default date format reads. */
    static void put(ObjectNode o, String field, Instant t) {
        o.put(field, t.toString());
    }

    static void putDate(ObjectNode o, String field, Optional<Instant> t) {
        t.ifPresent(v -> put(o, field, v));
    }

    static void putText(ObjectNode o, String field, Optional<String> s) {
        s.ifPresent(v -> o.put(field, v));
    }

    static void putLong(ObjectNode o, String field, OptionalLong v) {
        v.ifPresent(x -> o.put(field, x));
    }

    static void putInt(ObjectNode o, String field, OptionalInt v) {
        v.ifPresent(x -> o.put(field, x));
    }
}
