package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @Test
    void survivesAReopenAndIgnoresATornLastLine(@TempDir Path dir) throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        c.recordMetadata();
        c.recordChunk(0);
        c.recordChunk(3);
        Files.writeString(dir.resolve("abc.ckpt"), "chu", StandardOpenOption.APPEND);
        Checkpoint again = Checkpoint.open(dir, "abc");
        assertTrue(again.metadataSent());
        assertTrue(again.chunkSent(3));
        assertFalse(again.chunkSent(1));
        assertEquals(2, again.chunksSent());
        assertFalse(again.sealed());
    }

    @Test
    void theSplitOrderIsRecordedFirstWithItsHotSetAndSurvivesAReopen(@TempDir Path dir) throws Exception {
        long[] hot = {0, 1, 2, 0x9f, 0x1000, 0x3fff_ffffL, Long.MAX_VALUE};
        Checkpoint c = Checkpoint.open(dir, "abc");
        assertEquals(Optional.empty(), c.recordedOrder(), "nothing started yet");
        c.recordOrder(SplitOrder.hotFirst(hot));
        c.recordMetadata();
        c.recordChunk(0);
        Checkpoint again = Checkpoint.open(dir, "abc");
        SplitOrder o = again.recordedOrder().orElseThrow();
        assertTrue(o.hotPagesFirst());
        assertArrayEquals(hot, o.hotPfns());
        assertTrue(o.isHot(0x1000) && !o.isHot(0x1001));
        assertTrue(Files.readAllLines(dir.resolve("abc.ckpt")).get(0).startsWith("order hot-first 7 "));
        again.recordOrder(SplitOrder.hotFirst(hot)); // the same order again: a no-op
        assertThrows(IllegalStateException.class, () -> again.recordOrder(SplitOrder.pfn()));
        assertThrows(IllegalStateException.class, () -> again.recordOrder(SplitOrder.hotFirst(new long[] {0, 1})));
        assertEquals(1, Files.readAllLines(dir.resolve("abc.ckpt")).stream().filter(l -> l.startsWith("order")).count());
    }

    @Test
    void aDamagedOrderLineIsNotTrusted(@TempDir Path dir) throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        c.recordOrder(SplitOrder.hotFirst(new long[] {5, 6, 7}));
        Path f = dir.resolve("abc.ckpt");
        Files.writeString(f, Files.readString(f).replace(",1,1", ",1,2")); // one delta changed: the digest no longer matches
        assertEquals(Optional.empty(), Checkpoint.open(dir, "abc").recordedOrder());
    }

    @Test
    void aTornLastLineIsNotCountedEvenWhenItReadsLikeAnotherChunkAndTheNextLineStartsAfresh(@TempDir Path dir)
            throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        c.recordOrder(SplitOrder.pfn());
        c.recordChunk(3);
        Files.writeString(dir.resolve("abc.ckpt"), "chunk 1", StandardOpenOption.APPEND); // "chunk 12" cut short
        Checkpoint again = Checkpoint.open(dir, "abc");
        assertFalse(again.chunkSent(1));
        assertEquals(1, again.chunksSent());
        again.recordChunk(12);
        Checkpoint third = Checkpoint.open(dir, "abc");
        assertTrue(third.chunkSent(12), "the line after a torn one is read on its own");
        assertTrue(third.chunkSent(3));
        assertFalse(third.chunkSent(1));
        assertEquals(Optional.of(SplitOrder.pfn()), third.recordedOrder());
    }

    @Test
    void chunkLinesWrittenBetweenSyncsAreAllThereAfterCloseAndARecordAfterCloseAppends(@TempDir Path dir) throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        c.recordOrder(SplitOrder.pfn());
        for (int seq = 0; seq < 2000; seq++) {
            c.recordChunk(seq, after(seq));
        }
        c.close();
        c.recordSealed(); // reopens the file at its end
        c.close();
        Checkpoint again = Checkpoint.open(dir, "abc");
        assertEquals(2000, again.chunksSent());
        assertEquals(after(1999), again.resumeCursor());
        assertTrue(again.sealed());
        assertEquals(2002, Files.readAllLines(dir.resolve("abc.ckpt")).size());
    }

    private static SplitCursor after(int seq) {
        return new SplitCursor(1, 1000L * (seq + 1), seq + 1, 100L * (seq + 1), 7, 0, 409600L * (seq + 1), 0, 0, new byte[32]);
    }

    @Test
    void resumesFromTheCursorEndingTheAcknowledgedPrefixAfterAReopen(@TempDir Path dir) throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        assertEquals(SplitCursor.start(), c.resumeCursor());
        c.recordChunk(1, after(1)); // acknowledged out of order: 0 is still missing
        assertEquals(SplitCursor.start(), c.resumeCursor());
        c.recordChunk(0, after(0));
        c.recordChunk(3, after(3));
        assertEquals(after(1), c.resumeCursor(), "2 is missing: resume after 1");
        Files.writeString(dir.resolve("abc.ckpt"), "chunk 2 aft", StandardOpenOption.APPEND); // torn
        Checkpoint again = Checkpoint.open(dir, "abc");
        assertEquals(after(1), again.resumeCursor());
        again.recordChunk(2, after(2));
        assertEquals(after(3), Checkpoint.open(dir, "abc").resumeCursor());
    }

    @Test
    void aChunkLineWithoutACursorCountsAsSentButCannotBeResumedFrom(@TempDir Path dir) throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        c.recordChunk(0, after(0));
        c.recordChunk(1); // learnt from the gateway: no cursor
        Checkpoint again = Checkpoint.open(dir, "abc");
        assertTrue(again.chunkSent(1));
        assertEquals(after(0), again.resumeCursor());
    }
}
