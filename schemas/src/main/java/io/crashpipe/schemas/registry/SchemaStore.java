package io.crashpipe.schemas.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's state: subjects, their versions and global ids. Pure and single-threaded by
 * contract (callers synchronise); filled from the log on start, then by each registration.
 */
final class SchemaStore {

    /** One registered version, as kept in the {@code _schemas} topic. */
    record Entry(String subject, int version, int id, String schema) {}

    private final Map<String, TreeMap<Integer, Entry>> subjects = new LinkedHashMap<>();
    private final Map<Integer, String> schemaById = new TreeMap<>();
    private final Map<String, Integer> idByCanonical = new LinkedHashMap<>();

    void apply(Entry e) {
        subjects.computeIfAbsent(e.subject(), s -> new TreeMap<>()).put(e.version(), e);
        schemaById.put(e.id(), e.schema());
        idByCanonical.putIfAbsent(e.schema(), e.id());
    }

    Optional<String> schema(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    List<Integer> versions(String subject) {
        TreeMap<Integer, Entry> v = subjects.get(subject);
        return v == null ? List.of() : new ArrayList<>(v.keySet());
    }

    Optional<Entry> version(String subject, int version) {
        TreeMap<Integer, Entry> v = subjects.get(subject);
        return v == null ? Optional.empty() : Optional.ofNullable(v.get(version));
    }

    Optional<Entry> latest(String subject) {
        TreeMap<Integer, Entry> v = subjects.get(subject);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.lastEntry().getValue());
    }

    /** The version of {@code subject} whose canonical schema text is {@code schema}, if any. */
    Optional<Entry> find(String subject, String schema) {
        TreeMap<Integer, Entry> v = subjects.get(subject);
        if (v == null) {
            return Optional.empty();
        }
        return v.values().stream().filter(e -> e.schema().equals(schema)).findFirst();
    }

    /** The entry a new registration would create (same schema text elsewhere keeps its id). */
    Entry next(String subject, String schema) {
        int version = latest(subject).map(e -> e.version() + 1).orElse(1);
        Integer id = idByCanonical.get(schema);
        if (id == null) {
            id = schemaById.isEmpty() ? 1 : ((TreeMap<Integer, String>) schemaById).lastKey() + 1;
        }
        return new Entry(subject, version, id, schema);
    }
}
