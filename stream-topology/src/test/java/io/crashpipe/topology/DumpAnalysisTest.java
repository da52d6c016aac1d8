package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.HotPages;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.events.DumpMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Passes over one dump as its pages arrive: what settled is kept, only what waits runs again. */
class DumpAnalysisTest {
    private static final int CHUNK_PAGES = 16;

    /** Only the pages that have arrived; after the seal, what the file says about the rest. */
    static final class ArrivingMemory implements PhysicalMemory {
        final PhysicalMemory all;
        final Set<Long> arrived = new HashSet<>();
        boolean sealed;

        ArrivingMemory(PhysicalMemory all) {
            this.all = all;
        }

        @Override
        public int pageSize() {
            return all.pageSize();
        }

        @Override
        public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
            if (!sealed) {
                for (long pfn = paddr / 4096; pfn <= (paddr + Math.max(len, 1) - 1) / 4096; pfn++) {
                    if (!arrived.contains(pfn)) {
                        return Unavailable.physical(pfn * 4096, pfn, Unavailable.Reason.NOT_YET_ARRIVED, "");
                    }
                }
            }
            return all.tryRead(paddr, dst, off, len);
        }
    }

    @Test
    void passesAsPagesArriveRunEachSettledSectionOnceAndEndAsOnePassOnTheFileDoes() throws Exception {
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        try (Dump dump = Dumps.open(file)) {
            DumpMetadata meta = MetadataBuilder.build(DumpId.of(file), FoundDump.single(file), dump, "test");
            DumpProgress progress = new DumpProgress(1000, 2000, true, new BitSet(), 3, 1500, -1, 2, 42, -1, -1);
            AnalysisPass.Settled offline = assertInstanceOf(AnalysisPass.Settled.class,
                    AnalysisPass.run(meta.getVmcoreinfo(), CpuNotes.of(meta), new DumpMemory(dump), Sections.ALL));

            // The agent's order: the pages the analysis reads first (here shuffled), then the rest.
            List<Long> hot = new ArrayList<>();
            for (long pfn : HotPages.of(dump)) {
                hot.add(pfn);
            }
            java.util.Collections.shuffle(hot, new java.util.Random(18));
            Set<Long> order = new LinkedHashSet<>(hot);
            dump.forEachPresentPfn(order::add);
            List<Long> pfns = new ArrayList<>(order);
            ArrivingMemory memory = new ArrivingMemory(new DumpMemory(dump));
            DumpAnalysis analysis = new DumpAnalysis(meta.getVmcoreinfo(), CpuNotes.of(meta), memory, Sections.ALL);
            int next = 0;
            int passes = 0;
            AnalysisPass.Result r;
            while ((r = analysis.pass()) instanceof AnalysisPass.Waiting w) {
                passes++;
                while (!memory.arrived.contains(w.pfn()) && next < pfns.size()) {
                    int end = Math.min(pfns.size(), next + CHUNK_PAGES);
                    memory.arrived.addAll(pfns.subList(next, end));
                    next = end;
                }
                if (!memory.arrived.contains(w.pfn())) {
                    memory.sealed = true;
                }
            }
            passes++;
            AnalysisPass.Settled streamed = assertInstanceOf(AnalysisPass.Settled.class, r);
            assertTrue(passes > 5, "a real analysis waits for pages: " + passes + " passes");
            // Every pass but the last runs one section that waits; each section settles once.
            assertTrue(analysis.sectionRuns() <= passes - 1 + Sections.ALL.size(),
                    analysis.sectionRuns() + " section runs in " + passes + " passes");
            assertEquals(ReportBuilder.build(meta, offline, progress, "t").report(),
                    ReportBuilder.build(meta, streamed, progress, "t").report());
        }
    }
}
