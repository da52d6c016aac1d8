package io.crashpipe.sink.doc;

import java.util.List;
import java.util.Optional;

/**
 * Where a report came from and what the kernel said about itself, beyond the sys fields.
 *
 * @param architecture the dump's machine (x86_64, aarch64); empty when the report predates the field
 * @param agentVersion the edge agent that uploaded the dump; empty when unknown
 * @param taintLetters the taint letters the crash report printed ("" for "Not tainted"); empty when
 *     the log held no report header
 * @param taintFlags one word per taint letter
 * @param hardware the crash report's "Hardware name:"
 */
public record Provenance(String architecture, String agentVersion, Optional<String> taintLetters,
        List<String> taintFlags, Optional<String> hardware) {
    public static final Provenance UNKNOWN = new Provenance("", "", Optional.empty(), List.of(), Optional.empty());

    public Provenance {
        taintFlags = List.copyOf(taintFlags);
    }
}
