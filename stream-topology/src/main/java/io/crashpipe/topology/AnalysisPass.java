package io.crashpipe.topology;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.parsers.memory.PhysicalMemory;
import java.util.List;
import java.util.Optional;

/**
 * What a pass over a dump's memory as it stands gives: either some section waits for a page
 * that may still arrive, or every section is settled (done, or incomplete for good) and the
 * report can go out.
 */
public final class AnalysisPass {
    private AnalysisPass() {}

    public sealed interface Result {}

    /** A section needs page {@code pfn}; run again when a chunk carrying it arrives. */
    public record Waiting(String section, long pfn) implements Result {}

    /** Every section settled, in report order. */
    public record Settled(List<Outcome<?>> sections) implements Result {
        public boolean complete() {
            return sections.stream().allMatch(o -> o instanceof Outcome.Done<?>);
        }

        /** The value of a section that completed, if it did and has that type. */
        public <T> Optional<T> value(String section, Class<T> type) {
            return sections.stream()
                    .filter(o -> o.section().equals(section) && o instanceof Outcome.Done<?>)
                    .map(o -> ((Outcome.Done<?>) o).value())
                    .filter(type::isInstance).map(type::cast).findFirst();
        }
    }

    /**
     * One pass from nothing: what the first pass over a dump does ({@link DumpAnalysis} keeps
     * what a pass built for the next one).
     *
     * @param cpuNotes the dump's register notes (where backtraces start), one per CPU
     * @param sections the extractors to run, in report order ({@link Sections#ALL} as configured)
     */
    public static Result run(String vmcoreinfoText, List<CpuRegisters> cpuNotes, PhysicalMemory memory,
            List<Extractor<?>> sections) {
        return new DumpAnalysis(vmcoreinfoText, cpuNotes, memory, sections).pass();
    }
}
