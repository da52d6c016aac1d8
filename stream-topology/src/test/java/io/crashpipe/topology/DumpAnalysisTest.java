package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.testing.ArrivingPages;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.events.DumpMetadata;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Passes over one dump as its pages arrive: what settled is kept, only what waits runs again. */
class DumpAnalysisTest {
    private static final int CHUNK_PAGES = 16;

    @Test
    void passesAsPagesArriveRunEachSettledSectionOnceAndEndAsOnePassOnTheFileDoes() throws Exception {
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        try (Dump dump = Dumps.open(file)) {
            DumpMetadata meta = MetadataBuilder.build(DumpId.of(file), FoundDump.single(file), dump, "test");
            DumpProgress progress = new DumpProgress(1000, 2000, true, new BitSet(), 3, 1500, -1, 2, 42, -1, -1);
            AnalysisPass.Settled offline = assertInstanceOf(AnalysisPass.Settled.class,
                    AnalysisPass.run(meta.getVmcoreinfo(), CpuNotes.of(meta), new DumpMemory(dump), Sections.ALL));

            // The agent's order: the pages the analysis reads first (here shuffled), then the rest.
            ArrivingPages memory = new ArrivingPages(new DumpMemory(dump), ArrivingPages.hotFirst(dump, 18), CHUNK_PAGES,
                    ArrivingPages.AfterSeal.READ_THE_FILE);
            DumpAnalysis analysis = new DumpAnalysis(meta.getVmcoreinfo(), CpuNotes.of(meta), memory, Sections.ALL);
            int passes = 0;
            AnalysisPass.Result r;
            while ((r = analysis.pass()) instanceof AnalysisPass.Waiting w) {
                passes++;
                memory.deliverUntil(w.pfn());
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
