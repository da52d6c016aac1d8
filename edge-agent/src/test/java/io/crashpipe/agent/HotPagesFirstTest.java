package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongConsumer;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.DumpHeader;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.ElfNote;
import io.crashpipe.parsers.dump.PageCounts;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.extract.HotPages;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hot pages first on real dumps: the chunks of the pages the extractors read go out before the
 * bulk, every present page still goes out exactly once with the same bytes, and the chunking is
 * the same on every pass and across a resume, so checkpoints and sequence numbers stay valid.
 */
class HotPagesFirstTest {
    static final String SMALL = "6.1-qemu-sysrq";

    static Path dumpOf(String fixture) {
        return Fixtures.variants(Fixtures.dir(fixture)).get(0);
    }

    static List<PageChunk> split(Dump d, SplitOrder order, DumpSplitter.SentFilter sent, List<DumpSplitter.Result> result)
            throws Exception {
        List<PageChunk> out = new ArrayList<>();
        result.add(DumpSplitter.split("id", d, order, sent, out::add));
        return out;
    }

    /** pfn -> SHA-256 of its bytes ("zero" for an elided zero page), failing on a pfn sent twice. */
    static Map<Long, String> pagesOf(List<PageChunk> chunks, int pageSize) throws Exception {
        Map<Long, String> out = new LinkedHashMap<>();
        for (PageChunk c : chunks) {
            assertEquals(ChunkCodec.NONE, c.getCodec());
            ByteBuffer payload = c.getPayload().duplicate();
            byte[] page = new byte[pageSize];
            for (PfnRun run : c.getPages()) {
                for (long pfn = run.getStartPfn(); pfn < run.getStartPfn() + run.getCount(); pfn++) {
                    payload.get(page);
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(page));
                    assertNull(out.put(pfn, sha), "pfn " + pfn + " sent twice (chunk " + c.getSequence() + ")");
                }
            }
            assertEquals(0, payload.remaining(), "payload of chunk " + c.getSequence() + " is exactly its pages");
            for (PfnRun run : c.getZeroPages()) {
                for (long pfn = run.getStartPfn(); pfn < run.getStartPfn() + run.getCount(); pfn++) {
                    assertNull(out.put(pfn, "zero"), "zero pfn " + pfn + " sent twice (chunk " + c.getSequence() + ")");
                }
            }
        }
        return out;
    }

    /** Every pfn a chunk covers (data and zero pages), ascending. */
    static long[] pfnsOf(PageChunk c) {
        List<PfnRun> runs = new ArrayList<>(c.getPages());
        runs.addAll(c.getZeroPages());
        return runs.stream().flatMapToLong(r -> java.util.stream.LongStream.range(r.getStartPfn(), r.getStartPfn() + r.getCount()))
                .sorted().toArray();
    }

    static TreeSet<Long> presentPfns(Dump d) throws IOException {
        TreeSet<Long> out = new TreeSet<>();
        d.forEachPresentPfn(out::add);
        return out;
    }

    /** The seal's checksum recomputed from the chunks as received: pfn and bytes of data pages, in chunk order. */
    /** The seal's checksum recomputed from the chunks: chained per chunk, see {@link DumpSplitter}. */
    static String checksumInChunkOrder(List<PageChunk> chunks, int pageSize) {
        MessageDigest chain = DumpId.sha256();
        byte[] c = new byte[32];
        ByteBuffer pfnBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        byte[] page = new byte[pageSize];
        for (PageChunk chunk : chunks) {
            MessageDigest sha = DumpId.sha256();
            ByteBuffer payload = chunk.getPayload().duplicate();
            for (PfnRun run : chunk.getPages()) {
                for (long pfn = run.getStartPfn(); pfn < run.getStartPfn() + run.getCount(); pfn++) {
                    payload.get(page);
                    sha.update(pfnBytes.clear().putLong(pfn).array());
                    sha.update(page);
                }
            }
            chain.update(c);
            chain.update(sha.digest());
            c = chain.digest();
        }
        return HexFormat.of().formatHex(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.1-qemu-sysrq", "6.12-qemu-sysrq"})
    void hotFirstSendsEveryPresentPageExactlyOnceWithTheSameBytesAsPfnOrder(String fixture) throws Exception {
        try (Dump d = Dumps.open(dumpOf(fixture))) {
            List<DumpSplitter.Result> res = new ArrayList<>();
            SplitOrder hot = SplitOrder.forDump(d, true);
            assertTrue(hot.hotPagesFirst(), "hot pages computed on " + fixture + ": " + hot.fallbackReason());
            List<PageChunk> plain = split(d, SplitOrder.pfn(), s -> false, res);
            List<PageChunk> hotFirst = split(d, hot, s -> false, res);
            DumpSplitter.Result p = res.get(0);
            DumpSplitter.Result h = res.get(1);

            Map<Long, String> plainPages = pagesOf(plain, d.pageSize());
            Map<Long, String> hotPages = pagesOf(hotFirst, d.pageSize());
            TreeSet<Long> present = presentPfns(d);
            assertEquals(d.countPages().dumped(), present.size());
            assertEquals(present, new TreeSet<>(hotPages.keySet()), "hot first sends every present page");
            assertEquals(plainPages, hotPages, "the same pfns with identical bytes (maps compare by content, not order)");
            assertEquals(0, h.unreadablePages());

            assertEquals(p.sealed().getPageCount(), h.sealed().getPageCount());
            assertEquals(p.sealed().getZeroPageCount(), h.sealed().getZeroPageCount());
            assertEquals(present.size(), h.sealed().getPageCount() + h.sealed().getZeroPageCount());
            assertEquals(p.payloadBytes(), h.payloadBytes());
            assertEquals(hotFirst.size(), h.sealed().getChunkCount());
            for (int i = 0; i < hotFirst.size(); i++) {
                assertEquals(i, hotFirst.get(i).getSequence(), "sequences are 0..n-1 in chunk order");
                assertTrue(hotFirst.get(i).getUncompressedSize() <= DumpSplitter.MAX_PAYLOAD_BYTES);
            }
            // the seal's checksum keeps its meaning: over the pages in the order the chunks carry them
            assertEquals(checksumInChunkOrder(hotFirst, d.pageSize()), h.sealed().getPageDataSha256());
            assertEquals(checksumInChunkOrder(plain, d.pageSize()), p.sealed().getPageDataSha256());
            assertNotEquals(p.sealed().getPageDataSha256(), h.sealed().getPageDataSha256(), "the order did change");
            assertEquals(0, p.hotChunks());
            assertEquals(0, p.hotPages());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.1-qemu-sysrq", "6.12-qemu-sysrq"})
    void theFirstChunksCarryExactlyThePresentHotPfnsInAscendingOrder(String fixture) throws Exception {
        try (Dump d = Dumps.open(dumpOf(fixture))) {
            long[] touched = HotPages.of(d);
            // computed independently of the splitter's walk: the pfns HotPages names that the dump has
            long[] expected = Arrays.stream(touched).filter(pfn -> d.pageState(pfn) == PageState.PRESENT).toArray();
            assertTrue(expected.length > 100, "the analyses read more than a hundred present pages, got " + expected.length);
            assertTrue(expected.length < presentPfns(d).size() / 2, "hot pages are a small part of the dump");

            List<DumpSplitter.Result> res = new ArrayList<>();
            List<PageChunk> chunks = split(d, SplitOrder.hotFirst(touched), s -> false, res);
            DumpSplitter.Result r = res.get(0);
            int k = r.hotChunks();
            assertTrue(k >= 1 && k < chunks.size(), "hot chunks: " + k + " of " + chunks.size());
            assertEquals(expected.length, r.hotPages());

            long[] sentFirst = chunks.subList(0, k).stream().flatMapToLong(c -> Arrays.stream(pfnsOf(c))).toArray();
            assertArrayEquals(expected, sentFirst, "the first " + k + " chunks hold exactly the present hot pfns, ascending");
            // same chunk rules as the bulk: every hot chunk but the last was closed because it was full
            int perChunk = DumpSplitter.MAX_PAYLOAD_BYTES / d.pageSize();
            for (PageChunk c : chunks.subList(0, k - 1)) {
                long data = c.getPages().stream().mapToLong(PfnRun::getCount).sum();
                assertTrue(data == perChunk || c.getPages().size() == ChunkBuilder.MAX_RUNS
                        || c.getZeroPages().size() == ChunkBuilder.MAX_RUNS, "hot chunk " + c.getSequence() + " is full");
            }
            for (PageChunk c : chunks.subList(k, chunks.size())) {
                for (long pfn : pfnsOf(c)) {
                    assertTrue(Arrays.binarySearch(touched, pfn) < 0, "hot pfn " + pfn + " sent again in chunk " + c.getSequence());
                }
            }
            // the bulk still goes in pfn order
            long last = -1;
            for (PageChunk c : chunks.subList(k, chunks.size())) {
                long[] pfns = pfnsOf(c);
                assertTrue(pfns[0] > last, "bulk chunk " + c.getSequence() + " starts after the previous one");
                last = pfns[pfns.length - 1];
            }
        }
    }

    @Test
    void splittingHotFirstTwiceGivesIdenticalChunksAndSeal() throws Exception {
        try (Dump d = Dumps.open(dumpOf(SMALL))) {
            List<DumpSplitter.Result> res = new ArrayList<>();
            SplitOrder first = SplitOrder.forDump(d, true);
            SplitOrder second = SplitOrder.forDump(d, true);
            assertEquals(first, second, "HotPages is deterministic");
            List<PageChunk> a = split(d, first, s -> false, res);
            List<PageChunk> b = split(d, second, s -> false, res);
            // the default of the four-argument split is hot pages first, too
            List<PageChunk> c = new ArrayList<>();
            res.add(DumpSplitter.split("id", d, s -> false, c::add));
            assertEquals(a, b);
            assertEquals(a, c);
            assertEquals(res.get(0), res.get(1));
            assertEquals(res.get(0), res.get(2));
            assertEquals(a.size(), res.get(0).sealed().getChunkCount());
        }
    }

    @Test
    void resumeFromAPartlyFilledCheckpointSendsOnlyTheRestInTheHotOrderItStartedWith(@TempDir Path state) throws Exception {
        try (Dump d = Dumps.open(dumpOf(SMALL))) {
            List<DumpSplitter.Result> res = new ArrayList<>();
            Checkpoint ckpt = Checkpoint.open(state, "d");
            SplitOrder order = Uploader.chooseOrder(ckpt, d, true);
            assertTrue(order.hotPagesFirst());
            ckpt.recordMetadata();
            List<PageChunk> full = split(d, order, s -> false, res);
            int k = res.get(0).hotChunks();
            // the first run got the hot chunks and every third bulk chunk acknowledged, then died
            for (PageChunk c : full) {
                if (c.getSequence() < k || c.getSequence() % 3 == 0) {
                    ckpt.recordChunk(c.getSequence());
                }
            }

            Checkpoint again = Checkpoint.open(state, "d");
            // configured for pfn order now: the dump keeps the order its checkpoint recorded
            SplitOrder resumed = Uploader.chooseOrder(again, d, false);
            assertEquals(order, resumed);
            List<PageChunk> rest = split(d, resumed, again::chunkSent, res);
            assertEquals(res.get(0), res.get(1), "the seal is the same as the uninterrupted run's");
            List<Integer> expectedSeqs = full.stream().map(PageChunk::getSequence)
                    .filter(s -> !(s < k || s % 3 == 0)).toList();
            assertEquals(expectedSeqs, rest.stream().map(PageChunk::getSequence).toList());
            for (PageChunk c : rest) {
                assertEquals(full.get(c.getSequence()), c, "chunk " + c.getSequence() + " is the same chunk as before");
            }
            List<PageChunk> union = new ArrayList<>(full.stream().filter(c -> again.chunkSent(c.getSequence())).toList());
            union.addAll(rest);
            assertEquals(presentPfns(d), new TreeSet<>(pagesOf(union, d.pageSize()).keySet()),
                    "both runs together sent every present page once");
        }
    }

    @Test
    void aDumpStartedInPfnOrderStaysInPfnOrderWhenHotPagesAreTurnedOn(@TempDir Path state) throws Exception {
        try (Dump d = Dumps.open(dumpOf(SMALL))) {
            Checkpoint ckpt = Checkpoint.open(state, "d");
            assertEquals(SplitOrder.pfn(), Uploader.chooseOrder(ckpt, d, false));
            ckpt.recordMetadata();
            ckpt.recordChunk(0);
            assertEquals(SplitOrder.pfn(), Uploader.chooseOrder(Checkpoint.open(state, "d"), d, true));
        }
    }

    @Test
    void aCheckpointWrittenBeforeOrdersWereRecordedResumesInPfnOrder(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve("old.ckpt"), "metadata\nchunk 0\nchunk 1\n", StandardCharsets.UTF_8);
        try (Dump d = Dumps.open(dumpOf(SMALL))) {
            Checkpoint old = Checkpoint.open(state, "old");
            assertEquals(Optional.of(SplitOrder.pfn()), old.recordedOrder());
            assertEquals(SplitOrder.pfn(), Uploader.chooseOrder(old, d, true));
        }
    }

    @Test
    void aDumpWhoseHotPagesCannotBeComputedGoesInPfnOrderAndSaysWhy(@TempDir Path state) throws Exception {
        try (Dump real = Dumps.open(dumpOf(SMALL))) {
            Dump noVmcoreinfo = new WithoutVmcoreinfo(real);
            SplitOrder order = SplitOrder.forDump(noVmcoreinfo, true);
            assertFalse(order.hotPagesFirst());
            assertTrue(order.fallbackReason().orElseThrow().contains("VMCOREINFO"), order.fallbackReason().orElseThrow());

            List<DumpSplitter.Result> res = new ArrayList<>();
            assertEquals(split(real, SplitOrder.pfn(), s -> false, res), split(noVmcoreinfo, order, s -> false, res));
            assertEquals(res.get(0), res.get(1));
            assertEquals(0, res.get(1).hotChunks());

            Checkpoint ckpt = Checkpoint.open(state, "d");
            assertEquals(SplitOrder.pfn(), Uploader.chooseOrder(ckpt, noVmcoreinfo, true));
            assertEquals(Optional.of(SplitOrder.pfn()), Checkpoint.open(state, "d").recordedOrder(),
                    "the fallback is recorded, so a resume does not try hot pages first again");
        }
    }

    /** A real dump that lacks VMCOREINFO, as some broken dumps do. */
    record WithoutVmcoreinfo(Dump inner) implements Dump {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public DumpHeader header() {
            return inner.header();
        }

        @Override
        public List<ElfNote> notes() {
            return inner.notes().stream().filter(n -> !n.isVmcoreinfo()).toList();
        }

        @Override
        public Optional<String> vmcoreinfo() {
            return Optional.empty();
        }

        @Override
        public PageState pageState(long pfn) {
            return inner.pageState(pfn);
        }

        @Override
        public ReadResult readPage(long pfn, byte[] dst) {
            return inner.readPage(pfn, dst);
        }

        @Override
        public void forEachPresentPfn(LongConsumer action) throws IOException {
            inner.forEachPresentPfn(action);
        }

        @Override
        public PageCounts countPages() throws IOException {
            return inner.countPages();
        }

        @Override
        public void close() {}
    }
}
