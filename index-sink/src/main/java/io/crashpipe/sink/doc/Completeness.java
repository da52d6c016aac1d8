package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How complete each section of a report is. A section is partial when pages it needed were not
 * in the dump (filtered by makedumpfile, or lost); its note says which.
 */
public record Completeness(List<Section> sections) {

    public enum Status { COMPLETE, PARTIAL }

    /** @param note why a section is partial (e.g. the missing pfn); empty when complete */
    public record Section(String name, Status status, String note) {}

    public Completeness {
        sections = List.copyOf(sections);
    }

    public boolean complete() {
        return sections.stream().allMatch(s -> s.status() == Status.COMPLETE);
    }

    /**
     * Section names listed by status, so Kibana can filter on {@code crash.completeness.partial: log};
     * notes as a flattened object keyed by section.
     */
    ObjectNode toSource() {
        ObjectNode o = Sources.object();
        var complete = o.putArray("complete");
        var partial = o.putArray("partial");
        ObjectNode notes = o.putObject("notes");
        for (Section s : sections) {
            (s.status() == Status.COMPLETE ? complete : partial).add(s.name());
            if (!s.note().isEmpty()) {
                notes.put(s.name(), s.note());
            }
        }
        return o;
    }
}
