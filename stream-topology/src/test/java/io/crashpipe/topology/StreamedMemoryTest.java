package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ExtractionRunner;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.sys.CrashSysFormat;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class StreamedMemoryTest {

    private static PageIndex newIndex() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("page-index"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return new PageIndex(store);
    }

    @Test
    void extractorsOverChunksReadBackFromTheTopicEqualTheOfflineResultWithATinyCache() throws Exception {
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        try (Dump dump = Dumps.open(file)) {
            List<DecodedChunk> chunks = FixtureChunks.of(dump, 256);
            PageIndex index = newIndex();
            Map<ChunkLocation, DecodedChunk> topic = new HashMap<>();
            for (int i = 0; i < chunks.size(); i++) {
                ChunkLocation at = new ChunkLocation(0, i);
                topic.put(at, chunks.get(i));
                chunks.get(i).pages().forEach(s -> index.add("d1", s, false, at));
                chunks.get(i).zeroPages().forEach(s -> index.add("d1", s, true, at));
            }
            AtomicInteger reloads = new AtomicInteger();
            ChunkSource source = at -> {
                reloads.incrementAndGet();
                return topic.get(at);
            };
            StreamedMemory memory = new StreamedMemory("d1", 4096, index, new ChunkCache(3 << 20), source, true);

            Extraction offline = new Extraction(KernelView.of(dump));
            Extraction streamed = new Extraction(KernelView.of(dump, memory));
            assertEquals(CrashSysFormat.text(offline.require(SystemSummaryExtractor.INSTANCE)),
                    CrashSysFormat.text(streamed.require(SystemSummaryExtractor.INSTANCE)));
            assertArrayEquals(dmesg(offline.require(KernelLogExtractor.INSTANCE)),
                    dmesg(streamed.require(KernelLogExtractor.INSTANCE)));
            assertTrue(reloads.get() > 0);
        }
    }

    @Test
    void beforeAnyChunkEveryReadWaitsAndAfterSealItIsExcluded() throws Exception {
        Path file = Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31");
        try (Dump dump = Dumps.open(file)) {
            PageIndex index = newIndex();
            ChunkSource none = at -> {
                throw new AssertionError("nothing to load");
            };
            StreamedMemory open = new StreamedMemory("d2", 4096, index, new ChunkCache(1 << 20), none, false);
            Outcome<SystemSummary> waiting = ExtractionRunner.run(SystemSummaryExtractor.INSTANCE,
                    new Extraction(KernelView.of(dump, open)));
            Unavailable u = assertInstanceOf(Outcome.Waiting.class, waiting).missing();
            assertEquals(Unavailable.Reason.NOT_YET_ARRIVED, u.reason());

            StreamedMemory sealed = new StreamedMemory("d2", 4096, index, new ChunkCache(1 << 20), none, true);
            Outcome<SystemSummary> gap = ExtractionRunner.run(SystemSummaryExtractor.INSTANCE,
                    new Extraction(KernelView.of(dump, sealed)));
            // Sealed with none of its pages: sys still finishes, every field it could not read unknown.
            SystemSummary summary = (SystemSummary) assertInstanceOf(Outcome.Done.class, gap).value();
            assertFalse(summary.completeness().unknown().isEmpty());
            // Fields read straight from memory name the excluded page; those that needed kallsyms say it is missing.
            assertTrue(summary.completeness().unknown().values().stream().anyMatch(r -> r.contains("excluded")),
                    summary.completeness().unknown().toString());
        }
    }

    @Test
    void purgeForgetsOnlyThatDump() {
        PageIndex index = newIndex();
        index.add("a", new PfnSpan(10, 5), false, new ChunkLocation(1, 7));
        index.add("b", new PfnSpan(10, 5), true, new ChunkLocation(2, 8));
        assertEquals(new ChunkLocation(1, 7), index.locate("a", 14).orElseThrow().chunk());
        assertTrue(index.locate("a", 15).isEmpty());
        assertEquals(1, index.purge("a"));
        assertTrue(index.locate("a", 12).isEmpty());
        assertTrue(index.locate("b", 12).orElseThrow().zero());
    }

    private static byte[] dmesg(KernelLog log) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MakedumpfileDmesg.write(log, out);
        return out.toByteArray();
    }
}
