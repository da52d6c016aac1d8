package io.crashpipe.topology;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ExtractionRunner;
import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run of every section over a dump's memory as it stands. Either some section waits for a
 * page that may still arrive, or every section is settled (done, or incomplete for good) and the
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
     * @param cpuNotes the dump's register notes (where backtraces start), one per CPU
     * @param sections the extractors to run, in report order ({@link Sections#ALL} as configured)
     */
    public static Result run(String vmcoreinfoText, List<CpuRegisters> cpuNotes, PhysicalMemory memory,
            List<Extractor<?>> sections) {
        List<Outcome<?>> out = new ArrayList<>();
        Vmcoreinfo vi;
        try {
            vi = Vmcoreinfo.parse(vmcoreinfoText == null ? "" : vmcoreinfoText);
        } catch (IllegalArgumentException e) {
            for (Extractor<?> x : sections) {
                out.add(new Outcome.Incomplete<>(x.section(), "VMCOREINFO unusable: " + e.getMessage()));
            }
            return new Settled(out);
        }
        KernelView view;
        try {
            view = new KernelView(vi, memory, cpuNotes);
        } catch (MemoryFault f) {
            Unavailable u = f.unavailable();
            if (u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                return new Waiting("kernel", u.pfn());
            }
            for (Extractor<?> x : sections) {
                out.add(new Outcome.Incomplete<>(x.section(), "kernel address space: " + u.describe()));
            }
            return new Settled(out);
        }
        Extraction extraction = new Extraction(view);
        for (Extractor<?> x : sections) {
            Outcome<?> o = ExtractionRunner.run(x, extraction);
            if (o instanceof Outcome.Waiting<?> w) {
                return new Waiting(w.section(), w.missing().pfn());
            }
            out.add(o);
        }
        return new Settled(out);
    }
}
