package io.crashpipe.topology;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ExtractionRunner;
import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One dump's analysis across its passes. The kernel view is built once over the dump's memory as
 * it fills in, so kallsyms, BTF, ORC, the address translation and the other per-dump structures
 * are built once (a structure that met a page not yet arrived is not kept, and is built again
 * the next pass); each section that settled (done, or incomplete for good) keeps its outcome,
 * and a pass runs only the sections still waiting, reusing the results of the finished ones
 * that they build on.
 */
final class DumpAnalysis {
    private final String vmcoreinfoText;
    private final List<CpuRegisters> cpuNotes;
    private final PhysicalMemory memory;
    private final List<Extractor<?>> sections;
    /** Null until the kernel view could be built. */
    private Extraction extraction;
    /** Set when the dump cannot be analysed at all (no usable VMCOREINFO, no address space): final. */
    private AnalysisPass.Settled unusable;
    private final Map<Extractor<?>, Outcome<?>> settled = new HashMap<>();
    private int sectionRuns;

    /**
     * @param cpuNotes the dump's register notes (where backtraces start), one per CPU
     * @param memory the dump's physical memory, the same object for every pass
     * @param sections the extractors to run, in report order
     */
    DumpAnalysis(String vmcoreinfoText, List<CpuRegisters> cpuNotes, PhysicalMemory memory, List<Extractor<?>> sections) {
        this.vmcoreinfoText = vmcoreinfoText == null ? "" : vmcoreinfoText;
        this.cpuNotes = List.copyOf(cpuNotes);
        this.memory = memory;
        this.sections = List.copyOf(sections);
    }

    /** Runs the sections not settled yet, in report order, until one waits for a page or all are settled. */
    AnalysisPass.Result pass() {
        if (unusable != null) {
            return unusable;
        }
        if (extraction == null) {
            AnalysisPass.Result r = start();
            if (r != null) {
                return r;
            }
        }
        List<Outcome<?>> out = new ArrayList<>();
        for (Extractor<?> x : sections) {
            Outcome<?> o = settled.get(x);
            if (o == null) {
                sectionRuns++;
                o = ExtractionRunner.run(x, extraction);
                if (o instanceof Outcome.Waiting<?> w) {
                    return new AnalysisPass.Waiting(w.section(), w.missing().pfn());
                }
                settled.put(x, o);
            }
            out.add(o);
        }
        return new AnalysisPass.Settled(out);
    }

    /** Sections run so far over every pass (a settled one is never run again). */
    int sectionRuns() {
        return sectionRuns;
    }

    /** Builds the kernel view; null when it is there, else the result of this pass. */
    private AnalysisPass.Result start() {
        Vmcoreinfo vi;
        try {
            vi = Vmcoreinfo.parse(vmcoreinfoText);
        } catch (IllegalArgumentException e) {
            unusable = allIncomplete("VMCOREINFO unusable: " + e.getMessage());
            return unusable;
        }
        try {
            extraction = new Extraction(new KernelView(vi, memory, cpuNotes));
            return null;
        } catch (MemoryFault f) {
            Unavailable u = f.unavailable();
            if (u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                return new AnalysisPass.Waiting("kernel", u.pfn());
            }
            unusable = allIncomplete("kernel address space: " + u.describe());
            return unusable;
        }
    }

    private AnalysisPass.Settled allIncomplete(String reason) {
        List<Outcome<?>> out = new ArrayList<>();
        for (Extractor<?> x : sections) {
            out.add(new Outcome.Incomplete<>(x.section(), reason));
        }
        return new AnalysisPass.Settled(out);
    }
}
