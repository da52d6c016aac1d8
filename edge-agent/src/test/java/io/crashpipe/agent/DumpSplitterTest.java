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

    /** Counts page reads and the lowest pfn read, passing everything else through. */
    private static Dump counting(Dump d, long[] reads, long[] lowest) {
        return (Dump) java.lang.reflect.Proxy.newProxyInstance(Dump.class.getClassLoader(), new Class<?>[] {Dump.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("readPage")) {
                        reads[0]++;
                        lowest[0] = Math.min(lowest[0], (long) args[0]);
                    }
                    try {
                        return m.invoke(d, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aSplitResumedFromACursorReadsNoPageBeforeItAndEndsWithTheSameSeal() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        try (Dump d = Dumps.open(file)) {
            Recording keep = new Recording();
            List<SplitCursor> cursors = keep.cursors;
            List<PageChunk> all = keep.chunks;
            long[] fullReads = {0};
            long[] unused = {Long.MAX_VALUE};
            DumpSplitter.Result full = DumpSplitter.split("id", counting(d, fullReads, unused), SplitOrder.pfn(), s -> false, keep);
            SplitCursor mid = cursors.get(39); // after chunk 39: 40 of 57 chunks done
            assertEquals(40, mid.nextSequence());

            long[] reads = {0};
            long[] lowest = {Long.MAX_VALUE};
            List<PageChunk> rest = new ArrayList<>();
            DumpSplitter.Result resumed = DumpSplitter.split("id", counting(d, reads, lowest), SplitOrder.pfn(), mid,
                    s -> false, rest::add);
            assertEquals(full, resumed, "same seal, counters and checksum as the whole walk");
            assertEquals(all.subList(40, all.size()), rest);
            assertTrue(lowest[0] >= mid.nextPfn(), "read pfn " + lowest[0] + " before the cursor " + mid.nextPfn());
            assertTrue(reads[0] < fullReads[0] / 2, reads[0] + " of " + fullReads[0] + " pages read again");
            SplitCursor end = cursors.get(cursors.size() - 1);
            assertEquals(full, DumpSplitter.Result.of("id", end), "the last cursor alone gives the seal");
        }
    }

    @Test
    void chunksHashedAndCompressedOnWorkerThreadsFromPooledArraysGiveTheSameChunksCursorsAndSeal() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        try (Dump d = Dumps.open(file)) {
            Recording recorded = new Recording();
            DumpSplitter.Result expected = DumpSplitter.split("id", d, SplitOrder.pfn(), s -> false, recorded);
            List<PageChunk> plain = recorded.chunks;
            List<SplitCursor> plainCursors = recorded.cursors;

            int workers = 3;
            PayloadBuffers pool = PayloadBuffers.pool(ChunkBuilder.payloadCapacity(d.pageSize(), DumpSplitter.MAX_PAYLOAD_BYTES),
                    workers + 1);
            java.util.concurrent.ExecutorService exec = java.util.concurrent.Executors.newFixedThreadPool(workers);
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(workers);
            java.util.Map<Integer, byte[]> bodies = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<Integer, byte[]> wholeBodies = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<Integer, SplitCursor> cursors = new java.util.concurrent.ConcurrentHashMap<>();
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            DumpSplitter.Result pooled;
            try {
                pooled = DumpSplitter.split("id", d, SplitOrder.pfn(), s -> s % 5 == 3, new DumpSplitter.ChunkSink() {
                    @Override
                    public void accept(PageChunk chunk) {}

                    @Override
                    public PayloadBuffers payloadBuffers(int capacity) {
                        return pool;
                    }

                    @Override
                    public void accept(PageChunk chunk, ChunkChain link) throws InterruptedException {
                        slots.acquire();
                        done.add(exec.submit(() -> {
                            try (ChunkCompressor z = new ChunkCompressor(DumpSplitter.MAX_PAYLOAD_BYTES)) {
                                link.digest();
                                PageChunk c = z.compress(chunk);
                                pool.give(chunk.getPayload().array());
                                bodies.put(c.getSequence(), concat(ChunkBody.of(c)));
                                wholeBodies.put(c.getSequence(), concat(List.of(c.toByteBuffer())));
                                cursors.put(c.getSequence(), link.after());
                                return null;
                            } finally {
                                slots.release();
                            }
                        }));
                    }
                });
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                exec.shutdownNow();
            }
            assertEquals(expected, pooled, "same seal, counters and checksum");
            int checked = 0;
            for (PageChunk c : plain) {
                int s = c.getSequence();
                if (s % 5 == 3) {
                    assertTrue(!bodies.containsKey(s), "chunk " + s + " was already sent");
                    continue;
                }
                checked++;
                assertEquals(plainCursors.get(s), cursors.get(s), "cursor after chunk " + s);
                org.junit.jupiter.api.Assertions.assertArrayEquals(concat(List.of(DumpSplitter.compress(c).toByteBuffer())),
                        bodies.get(s), "body of chunk " + s + " as the one-piece encoding of the same compression");
                org.junit.jupiter.api.Assertions.assertArrayEquals(wholeBodies.get(s), bodies.get(s));
            }
            assertTrue(checked > 40, "chunks compared: " + checked);
        }
    }

    /** Keeps every chunk and the cursor after it, in order. */
    private static final class Recording implements DumpSplitter.ChunkSink {
        final List<PageChunk> chunks = new ArrayList<>();
        final List<SplitCursor> cursors = new ArrayList<>();

        @Override
        public void accept(PageChunk chunk) {
            chunks.add(chunk);
        }

        @Override
        public void accept(PageChunk chunk, SplitCursor after) {
            chunks.add(chunk);
            cursors.add(after);
        }
    }

    private static byte[] concat(List<java.nio.ByteBuffer> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (java.nio.ByteBuffer b : parts) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }
}
