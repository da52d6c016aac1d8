package io.crashpipe.parsers.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract the stream topology relies on, exercised with pages "arriving" one by one. */
class IncrementalExtractionTest {

    /** Serves only pages that have "arrived"; the rest may still come, until the dump is sealed. */
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
            for (long pfn = paddr / 4096; pfn <= (paddr + Math.max(len, 1) - 1) / 4096; pfn++) {
                if (!arrived.contains(pfn)) {
                    return Unavailable.physical(pfn * 4096, pfn,
                            sealed ? Unavailable.Reason.EXCLUDED : Unavailable.Reason.NOT_YET_ARRIVED, "");
                }
            }
            return all.tryRead(paddr, dst, off, len);
        }
    }

    // Every section page by page, in several orders and on every fixture: PageByPageExtractionTest.

    @Test
    void afterSealAMissingPageMakesTheSectionIncompleteNamingThePage() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.12-qemu-sysrq")).get(0);
        try (Dump dump = Dumps.open(file)) {
            ArrivingMemory memory = new ArrivingMemory(new DumpMemory(dump));
            memory.sealed = true;
            Outcome<KernelLog> log = ExtractionRunner.run(KernelLogExtractor.INSTANCE,
                    new Extraction(KernelView.of(dump, memory)));
            Outcome.Incomplete<KernelLog> gap = assertInstanceOf(Outcome.Incomplete.class, log);
            assertEquals("log", gap.section());
            assertTrue(gap.reason().contains("pfn 0x") && gap.reason().contains("excluded"), gap.reason());
        }
    }
}
