package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.RecordingMemory;
import io.crashpipe.parsers.view.KernelView;

/**
 * The page frames every section reads on a local dump file: what the agent sends first so the
 * report does not wait for the bulk, and what 'shrink' keeps. Sections that cannot complete on
 * this dump still contribute the pages they read before stopping.
 */
public final class HotPages {
    private HotPages() {}

    /** Ascending pfns (including ones the dump lacks, which the caller can skip). */
    public static long[] of(Dump dump) throws DumpFormatException {
        RecordingMemory recorder = new RecordingMemory(new DumpMemory(dump));
        Extraction extraction = new Extraction(KernelView.of(dump, recorder));
        for (Extractor<?> x : Sections.ALL) {
            ExtractionRunner.run(x, extraction);
        }
        return recorder.touchedPfns();
    }
}
