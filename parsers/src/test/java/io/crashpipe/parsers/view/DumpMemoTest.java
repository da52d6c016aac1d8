package io.crashpipe.parsers.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.PhysicalMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-dump structures: built once; a page not yet arrived leaves nothing behind. */
class DumpMemoTest {
    private static final DumpMemo.Key<String> KEY = DumpMemo.Key.of("test");

    @Test
    void aStructureIsBuiltOnceAndSharedByEveryCaller() {
        DumpMemo memo = new DumpMemo();
        AtomicInteger builds = new AtomicInteger();
        String a = memo.get(KEY, () -> "built " + builds.incrementAndGet());
        String b = memo.get(KEY, () -> "built " + builds.incrementAndGet());
        assertSame(a, b);
        assertEquals(1, builds.get());
        assertEquals("other", memo.get(KEY.with(2), () -> "other"));
    }

    @Test
    void aBuildThatMeetsAPageNotYetArrivedIsNotKeptAndRunsAgain() {
        DumpMemo memo = new DumpMemo();
        MemoryFault waiting = new MemoryFault(Unavailable.physical(0x5000, 5, Unavailable.Reason.NOT_YET_ARRIVED, ""));
        assertSame(waiting, assertThrows(MemoryFault.class, () -> memo.get(KEY, () -> {
            throw waiting;
        })));
        assertFalse(memo.holds(KEY));
        assertEquals("later", memo.get(KEY, () -> "later"));
    }

    @Test
    void aFinalFailureIsKeptAndRethrownWithoutBuildingAgain() {
        DumpMemo memo = new DumpMemo();
        MemoryFault excluded = new MemoryFault(Unavailable.physical(0x5000, 5, Unavailable.Reason.EXCLUDED, ""));
        assertThrows(MemoryFault.class, () -> memo.get(KEY, () -> {
            throw excluded;
        }));
        assertTrue(memo.holds(KEY));
        assertSame(excluded, assertThrows(MemoryFault.class, () -> memo.get(KEY, () -> "never built")));
    }

    /** Serves every page but those listed as not arrived yet. */
    static final class MissingPages implements PhysicalMemory {
        final PhysicalMemory all;
        final java.util.Set<Long> missing = new java.util.HashSet<>();

        MissingPages(PhysicalMemory all) {
            this.all = all;
        }

        @Override
        public int pageSize() {
            return all.pageSize();
        }

        @Override
        public ReadResult tryRead(long paddr, byte[] dst, int off, int len) {
            for (long pfn = paddr / 4096; pfn <= (paddr + Math.max(len, 1) - 1) / 4096; pfn++) {
                if (missing.contains(pfn)) {
                    return Unavailable.physical(pfn * 4096, pfn, Unavailable.Reason.NOT_YET_ARRIVED, "");
                }
            }
            return all.tryRead(paddr, dst, off, len);
        }
    }

    @Test
    void btfParsedWhileOneOfItsPagesIsMissingIsNotCachedAndIsFoundOnceThePageArrives() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.12-qemu-sysrq")).get(0);
        try (Dump dump = Dumps.open(file)) {
            MissingPages memory = new MissingPages(new DumpMemory(dump));
            KernelView view = KernelView.of(dump, memory);
            long btfStart = view.kallsyms().address("__start_BTF").getAsLong();
            long pfn = view.memory().addressSpace().translate(btfStart + (1 << 20)) instanceof
                    io.crashpipe.parsers.kernel.Translation.Mapped m ? m.paddr() / 4096 : -1;
            assertTrue(pfn > 0);
            memory.missing.add(pfn);
            MemoryFault f = assertThrows(MemoryFault.class, () -> KernelBtf.find(view));
            assertEquals(pfn, f.unavailable().pfn());
            memory.missing.clear();
            Optional<Btf> btf = KernelBtf.find(view);
            assertTrue(btf.isPresent());
            assertSame(btf.get(), KernelBtf.find(view).orElseThrow(), "parsed once, then shared");
        }
    }
}
