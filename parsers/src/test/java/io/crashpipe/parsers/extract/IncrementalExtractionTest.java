package io.crashpipe.parsers.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.testing.ArrivingPages;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract the stream topology relies on, exercised with pages "arriving" one by one. */
class IncrementalExtractionTest {

    // Every section page by page, in several orders and on every fixture: PageByPageExtractionTest.

    @Test
    void afterSealAMissingPageMakesTheSectionIncompleteNamingThePage() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.12-qemu-sysrq")).get(0);
        try (Dump dump = Dumps.open(file)) {
            ArrivingPages memory = new ArrivingPages(new DumpMemory(dump), List.of(), 1, ArrivingPages.AfterSeal.EXCLUDED);
            memory.seal(); // nothing arrived, nothing more will
            Outcome<KernelLog> log = ExtractionRunner.run(KernelLogExtractor.INSTANCE,
                    new Extraction(KernelView.of(dump, memory)));
            Outcome.Incomplete<KernelLog> gap = assertInstanceOf(Outcome.Incomplete.class, log);
            assertEquals("log", gap.section());
            assertTrue(gap.reason().contains("pfn 0x") && gap.reason().contains("excluded"), gap.reason());
        }
    }
}
