package io.crashpipe.parsers.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SystemSummary;
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

    @Test
    void sectionsWaitForEachMissingPageAndEndEqualToTheOfflineResultOnEveryFixture() throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            Path file = Fixtures.variants(dir).get(0);
            try (Dump dump = Dumps.open(file)) {
                Extraction offline = new Extraction(KernelView.of(dump));
                SystemSummary expectedSys = offline.require(SystemSummaryExtractor.INSTANCE);
                KernelLog expectedLog = offline.require(KernelLogExtractor.INSTANCE);

                ArrivingMemory memory = new ArrivingMemory(new DumpMemory(dump));
                int rounds = 0;
                Outcome<SystemSummary> sys;
                while ((sys = ExtractionRunner.run(SystemSummaryExtractor.INSTANCE,
                        new Extraction(KernelView.of(dump, memory)))) instanceof Outcome.Waiting<SystemSummary> w) {
                    assertTrue(memory.arrived.add(w.missing().pfn()), "asked twice for pfn " + w.missing().pfn());
                    rounds++;
                }
                SystemSummary got = (SystemSummary) assertInstanceOf(Outcome.Done.class, sys).value();
                assertEquals(CrashSysFormat.text(expectedSys), CrashSysFormat.text(got), file.toString());
                Outcome<KernelLog> log = ExtractionRunner.run(KernelLogExtractor.INSTANCE,
                        new Extraction(KernelView.of(dump, memory)));
                assertArrayEquals(dmesg(expectedLog), dmesg(((Outcome.Done<KernelLog>) log).value()), file.toString());
                assertTrue(rounds > 10, "a real analysis needs many pages, got " + rounds);
            }
        }
    }

    private static byte[] dmesg(KernelLog log) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        MakedumpfileDmesg.write(log, out);
        return out.toByteArray();
    }

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
