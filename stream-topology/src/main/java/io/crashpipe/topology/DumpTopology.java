package io.crashpipe.topology;

import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Sections;
import java.util.List;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.wire.EventSerde;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The analysis topology: both ingest topics into one processor (co-partitioned by dump id), three
 * small changelogged stores (page index, progress, metadata; never page data), and the result and
 * dead-letter topics out.
 */
public final class DumpTopology {
    static final String SOURCE = "ingest";
    static final String PROCESSOR = "analyse-dumps";
    static final String PAGE_INDEX_STORE = "page-index";
    static final String PROGRESS_STORE = "dump-progress";
    static final String METADATA_STORE = "dump-metadata";
    static final String REPORTS_SINK = "crash-reports-out";
    static final String KERNEL_LOG_SINK = "kernel-log-out";
    static final String DEAD_LETTER_SINK = "dead-letters-out";

    private DumpTopology() {}

    /**
     * What every processor instance of the process shares: the serde, the decoded-chunk cache (one
     * byte budget for the process), the reader of the pages topic, the sections to run, whether
     * this is a replay, and the counts of dumps reported and (replay) skipped.
     */
    record Shared(EventSerde serde, ChunkCache cache, ChunkSource source, String parserVersion, Duration purgeGrace,
            Duration stallTimeout, boolean replay, AtomicLong reported, AtomicLong skipped, List<Extractor<?>> sections) {

        /** What {@code config} asks for, with fresh counters. */
        static Shared of(TopologyConfig config, EventSerde serde, ChunkSource source) {
            return new Shared(serde, new ChunkCache(config.chunkCacheBytes()), source, config.parserVersion(),
                    config.purgeGrace(), config.stallTimeout(), config.replay(), new AtomicLong(), new AtomicLong(),
                    Sections.withMaxBlockedTraces(config.maxBlockedTraces()));
        }
    }

    static Topology build(Shared shared) {
        Topology t = new Topology();
        t.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(),
                Topics.DUMP_META.name(), Topics.DUMP_PAGES.name());
        t.addProcessor(PROCESSOR, () -> new DumpProcessor(shared), SOURCE);
        for (String store : new String[] {PAGE_INDEX_STORE, PROGRESS_STORE, METADATA_STORE}) {
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                    Serdes.ByteArray()), PROCESSOR);
        }
        t.addSink(REPORTS_SINK, Topics.CRASH_REPORTS.name(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        t.addSink(KERNEL_LOG_SINK, Topics.KERNEL_LOG.name(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        t.addSink(DEAD_LETTER_SINK, Topics.DEAD_LETTERS.name(), new StringSerializer(), new ByteArraySerializer(),
                PROCESSOR);
        return t;
    }
}
