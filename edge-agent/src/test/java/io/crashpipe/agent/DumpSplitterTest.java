package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.events.PageChunk;
import org.junit.jupiter.api.Test;

/** Chunking of a real dump: bounded, zero pages elided, and the same every time. */
class DumpSplitterTest {

    @Test
    void chunksAreAtMostOneMiBAndIdenticalOnASecondPass() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        List<PageChunk> first = new ArrayList<>();
        List<PageChunk> second = new ArrayList<>();
        DumpSplitter.Result r1;
        DumpSplitter.Result r2;
        try (Dump d = Dumps.open(file)) {
            // plain pfn order (the default is hot pages first, pinned in HotPagesFirstTest)
            r1 = DumpSplitter.split("id", d, SplitOrder.pfn(), s -> false, first::add);
            r2 = DumpSplitter.split("id", d, SplitOrder.pfn(), s -> s % 2 == 0, second::add);
            long pages = r1.sealed().getPageCount() + r1.sealed().getZeroPageCount();
            assertEquals(d.countPages().dumped(), pages);
        }
        assertEquals(r1.sealed(), r2.sealed(), "the seal does not depend on what was already sent");
        assertEquals(first.size(), r1.sealed().getChunkCount());
        // measured on this fixture: 14591 pages with data, 5937 all-zero pages, in 57 chunks
        assertEquals(14591, r1.sealed().getPageCount());
        assertEquals(5937, r1.sealed().getZeroPageCount());
        assertEquals(57, r1.sealed().getChunkCount());
        for (PageChunk c : first) {
            assertTrue(DumpSplitter.compress(c).getPayload().remaining() <= DumpSplitter.MAX_PAYLOAD_BYTES);
            assertTrue(c.getUncompressedSize() <= DumpSplitter.MAX_PAYLOAD_BYTES);
        }
        for (PageChunk c : second) {
            assertEquals(1, c.getSequence() % 2, "already-sent chunks are not handed over again");
            assertEquals(first.get(c.getSequence()), c);
        }
    }

    @Test
    void theDumpIdIsStableAndDiffersBetweenContainers() throws Exception {
        List<Path> v = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq"));
        assertEquals(DumpId.of(v.get(0)), DumpId.of(v.get(0)));
        assertEquals(v.size(), v.stream().map(p -> {
            try {
                return DumpId.of(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).distinct().count());
    }
}
