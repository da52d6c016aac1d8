package io.crashpipe.schemas.registry;

import java.util.List;
import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/** Confluent's compatibility levels, checked with Avro's own reader/writer resolution rules. */
enum Compatibility {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    static Compatibility parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compatibility level '" + s + "'");
        }
    }

    /** Whether {@code candidate} may follow {@code previous} (oldest first). */
    boolean allows(Schema candidate, List<Schema> previous) {
        if (this == NONE || previous.isEmpty()) {
            return true;
        }
        boolean transitive = name().endsWith("_TRANSITIVE");
        List<Schema> against = transitive ? previous : List.of(previous.get(previous.size() - 1));
        for (Schema old : against) {
            boolean backward = canRead(candidate, old);
            boolean forward = canRead(old, candidate);
            boolean ok = switch (this) {
                case BACKWARD, BACKWARD_TRANSITIVE -> backward;
                case FORWARD, FORWARD_TRANSITIVE -> forward;
                case FULL, FULL_TRANSITIVE -> backward && forward;
                case NONE -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
