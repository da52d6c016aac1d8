package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How complete each section of a report is. A section is partial when pages it needed were not
 * in the dump (filtered by makedumpfile, or lost); its note says which.
 */
public record Completeness(List<Section> sections) {

    public enum Status { COMPLETE, PARTIAL }

    /**
     * @param note why a section is partial (e.g. the missing pfn); empty when complete
     * @param gaps the parts of the section the dump could not give ("CPU 1", "PID 42"), when it can tell
     */
    public record Section(String name, Status status, String note, List<Gap> gaps) {
        public Section {
            gaps = List.copyOf(gaps);
        }

        public Section(String name, Status status, String note) {
            this(name, status, note, List.of());
        }
    }

    /** One field or part of a section that is unknown, and why. */
    public record Gap(String field, String reason) {}

    public Completeness {
        sections = List.copyOf(sections);
    }

    public boolean complete() {
        return sections.stream().allMatch(s -> s.status() == Status.COMPLETE);
    }

    public int completeSections() {
        return (int) sections.stream().filter(s -> s.status() == Status.COMPLETE).count();
    }

    /**
     * Section names listed by status, so Kibana can filter on {@code crash.completeness.partial: log};
     * notes as a flattened object keyed by section;
     * per-field gaps as {@code crash.completeness.gaps} (section, field, reason).
     */
    ObjectNode toSource() {
        ObjectNode o = Sources.object();
        var complete = o.putArray("complete");
        var partial = o.putArray("partial");
        ObjectNode notes = o.putObject("notes");
        var gaps = o.putArray("gaps");
        for (Section s : sections) {
            (s.status() == Status.COMPLETE ? complete : partial).add(s.name());
            if (!s.note().isEmpty()) {
                notes.put(s.name(), s.note());
            }
            for (Gap g : s.gaps()) {
                ObjectNode j = gaps.addObject();
                j.put("section", s.name());
                j.put("field", g.field());
                j.put("reason", g.reason());
            }
        }
        return o;
    }
}
