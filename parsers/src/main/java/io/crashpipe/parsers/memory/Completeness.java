package io.crashpipe.parsers.memory;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which fields of a result (a sys summary, a task row, a module row) the dump could not give,
 * each with its reason; every field not named here is known. Field names are stable snake_case
 * keys ({@code "date"}, {@code "ppid"}, {@code "rss"}), fit for a report's per-field completeness.
 */
public record Completeness(SortedMap<String, String> unknown) {
    public static final Completeness COMPLETE = new Completeness(new TreeMap<>());

    public Completeness {
        unknown = Collections.unmodifiableSortedMap(new TreeMap<>(unknown));
    }

    public boolean isComplete() {
        return unknown.isEmpty();
    }

    public boolean known(String field) {
        return !unknown.containsKey(field);
    }

    public Optional<String> reason(String field) {
        return Optional.ofNullable(unknown.get(field));
    }

    /** Collects the unknown fields of a result as it is read. */
    public static final class Builder {
        private final TreeMap<String, String> unknown = new TreeMap<>();

        /** Records {@code fact} under {@code field} when it is unknown; returns it for chaining. */
        public <T> Fact<T> note(String field, Fact<T> fact) {
            fact.why().ifPresent(r -> unknown.putIfAbsent(field, r));
            return fact;
        }

        public Builder unknown(String field, String reason) {
            unknown.putIfAbsent(field, reason);
            return this;
        }

        public Builder addAll(Map<String, String> more) {
            more.forEach(unknown::putIfAbsent);
            return this;
        }

        public Completeness build() {
            return unknown.isEmpty() ? COMPLETE : new Completeness(unknown);
        }
    }
}
