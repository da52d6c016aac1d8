package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;

import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;
import org.junit.jupiter.api.Test;

class DumpLedgerTest {
    static final DumpLedger.History NOTHING_IN_KAFKA =
            (id, since) -> new DumpLedger.Known(Optional.empty(), new SequenceDigests(), OptionalInt.empty());

    private final DumpLedger ledger = new DumpLedger(1 << 20, NOTHING_IN_KAFKA);

    private DumpLedger.Verdict chunk(PageChunk c) {
        return ledger.chunk(Events.ID, c, ContentDigest.of(c));
    }

    private static void refused(int status, String expected, DumpLedger.Verdict v) {
        DumpLedger.Verdict.Refuse r = assertInstanceOf(DumpLedger.Verdict.Refuse.class, v);
        assertEquals(status, r.status());
        assertTrue(r.expected().contains(expected), r.expected());
    }

    @Test
    void aChunkBeforeItsMetadataIsRefused() throws Exception {
        ledger.readHistory(Events.ID);
        refused(409, "metadata", chunk(Events.chunk(0, 0x100, 1, (byte) 1)));
    }

    @Test
    void pagesOutsideTheMemoryMapAreRefused() {
        ledger.metadata(Events.ID, Events.metadata());
        refused(400, "memory map", chunk(Events.chunk(0, 0x1ff, 2, (byte) 1))); // runs past [0x100, 0x200)
        refused(400, "memory map", chunk(Events.chunk(0, 1L << 62, 1, (byte) 1)));
        PageChunk huge = PageChunk.newBuilder(Events.chunk(0, 0x100, 1, (byte) 1))
                .setZeroPages(java.util.List.of(new PfnRun(0x1000L, Integer.MAX_VALUE))).build();
        refused(400, "memory map", chunk(huge));
        assertInstanceOf(DumpLedger.Verdict.Accept.class, chunk(Events.chunk(0, 0x17ff, 1, (byte) 1)));
    }

    @Test
    void aPageRunWithoutItsBytesIsRefused() {
        ledger.metadata(Events.ID, Events.metadata());
        PageChunk empty = PageChunk.newBuilder(Events.chunk(0, 0x1000, 1, (byte) 1))
                .setPages(java.util.List.of(new PfnRun(0x1000L, 0x800))).setUncompressedSize(0)
                .setPayload(java.nio.ByteBuffer.allocate(0)).build();
        refused(400, "uncompressedSize of 2048 pages", chunk(empty));
    }

    @Test
    void aRepeatedSequenceNumberMustRepeatItsContent() {
        ledger.metadata(Events.ID, Events.metadata());
        PageChunk first = Events.chunk(3, 0x100, 1, (byte) 1);
        assertInstanceOf(DumpLedger.Verdict.Accept.class, chunk(first));
        refused(409, "being published now", chunk(Events.chunk(3, 0x100, 1, (byte) 2)));
        ledger.acknowledged(Events.ID, 3, ContentDigest.of(first));
        assertInstanceOf(DumpLedger.Verdict.Duplicate.class, chunk(first));
        refused(409, "content Kafka already has", chunk(Events.chunk(3, 0x100, 1, (byte) 2)));
    }

    /** Metadata, chunk 0 acknowledged, and a seal counting one chunk acknowledged; returns chunk 0. */
    private PageChunk sealedAfterOneChunk() {
        ledger.metadata(Events.ID, Events.metadata());
        PageChunk c = Events.chunk(0, 0x100, 1, (byte) 1);
        chunk(c);
        ledger.acknowledged(Events.ID, 0, ContentDigest.of(c));
        var seal = Events.seal(1);
        assertInstanceOf(DumpLedger.Verdict.Accept.class, ledger.seal(Events.ID, seal, ContentDigest.of(seal)));
        ledger.acknowledged(Events.ID, null, ContentDigest.of(seal));
        return c;
    }

    @Test
    void aNewChunkAfterTheSealIsRefusedButAResentOneIsAnHonestRetry() {
        PageChunk c = sealedAfterOneChunk();
        refused(409, "after the dump's seal", chunk(Events.chunk(1, 0x101, 1, (byte) 1)));
        assertInstanceOf(DumpLedger.Verdict.Duplicate.class, chunk(c), "a resent chunk after the seal is an honest retry");
    }

    @Test
    void aNewChunkWhileTheSealIsBeingPublishedIsRefused() {
        ledger.metadata(Events.ID, Events.metadata());
        var seal = Events.seal(0);
        assertInstanceOf(DumpLedger.Verdict.Accept.class, ledger.seal(Events.ID, seal, ContentDigest.of(seal)));
        refused(409, "after the dump's seal", chunk(Events.chunk(0, 0x100, 1, (byte) 1)));
    }

    @Test
    void aSecondDifferentSealIsRefusedAndTheSameSealAgainIsADuplicate() {
        sealedAfterOneChunk();
        var same = Events.seal(1);
        assertInstanceOf(DumpLedger.Verdict.Duplicate.class, ledger.seal(Events.ID, same, ContentDigest.of(same)));
        var other = Events.seal(2);
        refused(409, "one seal per dump; this one differs from the seal Kafka already has",
                ledger.seal(Events.ID, other, ContentDigest.of(other)));
    }

    @Test
    void aSecondDifferentSealWhileTheFirstIsBeingPublishedIsRefused() {
        ledger.metadata(Events.ID, Events.metadata());
        var first = Events.seal(0);
        assertInstanceOf(DumpLedger.Verdict.Accept.class, ledger.seal(Events.ID, first, ContentDigest.of(first)));
        var other = Events.seal(3);
        refused(409, "being published now", ledger.seal(Events.ID, other, ContentDigest.of(other)));
    }

    @Test
    void aSealBeforeTheMetadataIsRefused() throws Exception {
        ledger.readHistory(Events.ID);
        var seal = Events.seal(0);
        refused(409, "metadata", ledger.seal(Events.ID, seal, ContentDigest.of(seal)));
    }

    @Test
    void aChunkNumberBeyondTheDumpsPageCountIsRefused() {
        ledger.metadata(Events.ID, Events.metadata());
        refused(400, "a sequence number below 2304", chunk(Events.chunk(999_999_999, 0x100, 1, (byte) 1)));
    }

    @Test
    void aFailedPublishLetsTheSameSequenceNumberBeSentWithOtherContent() {
        ledger.metadata(Events.ID, Events.metadata());
        PageChunk first = Events.chunk(4, 0x100, 1, (byte) 1);
        chunk(first);
        ledger.failed(Events.ID, 4, ContentDigest.of(first));
        assertInstanceOf(DumpLedger.Verdict.Accept.class, chunk(Events.chunk(4, 0x100, 1, (byte) 2)));
    }

    @Test
    void aSealCountingFewerChunksThanAcknowledgedIsRefused() {
        ledger.metadata(Events.ID, Events.metadata());
        for (int i = 0; i < 3; i++) {
            PageChunk c = Events.chunk(i, 0x100 + i, 1, (byte) 1);
            chunk(c);
            ledger.acknowledged(Events.ID, i, ContentDigest.of(c));
        }
        var seal = Events.seal(2);
        refused(409, "at least the 3 chunks", ledger.seal(Events.ID, seal, ContentDigest.of(seal)));
    }

    @Test
    void whatKafkaHasIsReadBackForADumpThisGatewayNeverSaw() throws Exception {
        SequenceDigests chunks = new SequenceDigests();
        PageChunk c = Events.chunk(5, 0x100, 1, (byte) 1);
        chunks.put(5, ContentDigest.of(c));
        var seal = Events.seal(6);
        DumpLedger fresh = new DumpLedger(1 << 20,
                (id, since) -> new DumpLedger.Known(Optional.of(Events.metadata()), chunks, OptionalInt.of(ContentDigest.of(seal))));
        fresh.readHistory(Events.ID);
        assertEquals(5, fresh.present(Events.ID, java.util.OptionalLong.empty())[0]);
        assertInstanceOf(DumpLedger.Verdict.Duplicate.class, fresh.chunk(Events.ID, c, ContentDigest.of(c)));
        PageChunk late = Events.chunk(6, 0x101, 1, (byte) 1);
        assertInstanceOf(DumpLedger.Verdict.Refuse.class, fresh.chunk(Events.ID, late, ContentDigest.of(late)));
    }

    @Test
    void aHugeSequenceNumberCostsWhatASmallOneCosts() {
        ledger.metadata(Events.ID, withRam(1L << 31));
        long before = ledger.bytes();
        PageChunk c = Events.chunk(999_999_999, 0x100, 1, (byte) 1);
        ledger.acknowledged(Events.ID, 999_999_999, ContentDigest.of(c));
        assertTrue(ledger.bytes() - before < 64, "grew by " + (ledger.bytes() - before));
    }

    @Test
    void theLedgerStaysWithinItsByteBudgetForgettingTheLeastRecentDumps() {
        DumpLedger small = new DumpLedger(64 * 1024, NOTHING_IN_KAFKA);
        for (int d = 0; d < 10_000; d++) {
            String id = String.format("%032x", d);
            small.metadata(id, io.crashpipe.schemas.events.DumpMetadata.newBuilder(Events.metadata()).setDumpId(id).build());
            for (int s = 0; s < 20; s++) {
                small.acknowledged(id, s * 50_000_000, s);
            }
        }
        assertTrue(small.bytes() <= 64 * 1024, "ledger holds " + small.bytes() + " bytes");
        assertTrue(small.size() > 10, "still remembers the most recent dumps: " + small.size());
        assertTrue(small.knows(String.format("%032x", 9_999)));
    }

    /** Metadata whose RAM is {@code pages} pages from pfn 0x100. */
    private static io.crashpipe.schemas.events.DumpMetadata withRam(long pages) {
        java.util.List<PfnRun> runs = new java.util.ArrayList<>();
        for (long start = 0x100; pages > 0; ) {
            int n = (int) Math.min(pages, Integer.MAX_VALUE);
            runs.add(new PfnRun(start, n));
            start += n;
            pages -= n;
        }
        return io.crashpipe.schemas.events.DumpMetadata.newBuilder(Events.metadata()).setMemoryMap(runs).build();
    }
}
