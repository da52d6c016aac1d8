package io.crashpipe.topology;

import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The analysis topology in a {@link TopologyTestDriver}: events go in as the gateway publishes them
 * (Confluent wire format through a registry), and the pages topic is kept here as the one copy of
 * page data the processor reads chunks back from by offset, as {@link KafkaChunkSource} does from
 * Kafka. The chunk cache holds a single chunk, so passes really read chunks back.
 */
final class TopologyHarness implements AutoCloseable {
    static final Instant START = Instant.parse("2026-11-22T15:00:00Z");

    /** How the topology under test runs. */
    record Settings(String parserVersion, boolean replay, Duration purgeGrace, Duration stallTimeout) {
        static final Settings LIVE = new Settings("0.1.0", false, Duration.ofMinutes(10), Duration.ofMinutes(10));

        Settings asReplay(String version) {
            return new Settings(version, true, purgeGrace, stallTimeout);
        }
    }

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> meta;
    private final TestInputTopic<String, byte[]> pages;
    private final TestOutputTopic<String, byte[]> reports;
    private final TestOutputTopic<String, byte[]> kernelLog;
    private final TestOutputTopic<String, byte[]> deadLetters;
    /** The pages topic (one partition): offset = index. */
    private final List<byte[]> pagesTopic = new ArrayList<>();
    private final EventSerde wire;
    private final AtomicInteger chunkReads = new AtomicInteger();
    final DumpTopology.Shared shared;

    TopologyHarness(TestRegistry registry, Settings settings) throws IOException {
        this.wire = new EventSerde(new SchemaRegistryClient(registry.uri()));
        // The topology's own client waits out registry outages, as DumpAnalysisApp makes it.
        EventSerde topologySerde = new EventSerde(SchemaRegistryClient.waitingThroughOutages(registry.uri()));
        ChunkSource source = where -> {
            chunkReads.incrementAndGet();
            try {
                return ChunkDecoder.decode(topologySerde.deserialize(pagesTopic.get((int) where.offset()), PageChunk.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        this.shared = new DumpTopology.Shared(topologySerde, new ChunkCache(1), source, settings.parserVersion(),
                settings.purgeGrace(), settings.stallTimeout(), settings.replay(), new AtomicLong(), new AtomicLong(),
                Sections.ALL);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("crashpipe-ttd").toString());
        this.driver = new TopologyTestDriver(DumpTopology.build(shared), p, START);
        this.meta = driver.createInputTopic(Topics.DUMP_META.name(), new StringSerializer(), new ByteArraySerializer());
        this.pages = driver.createInputTopic(Topics.DUMP_PAGES.name(), new StringSerializer(), new ByteArraySerializer());
        this.reports = driver.createOutputTopic(Topics.CRASH_REPORTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        this.kernelLog = driver.createOutputTopic(Topics.KERNEL_LOG.name(), new StringDeserializer(), new ByteArrayDeserializer());
        this.deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    void metadata(DumpEvents e) {
        meta.pipeInput(e.dumpId(), encode(Topics.DUMP_META.name(), e.metadata()));
    }

    void chunk(DumpEvents e, int index) {
        page(e.dumpId(), encode(Topics.DUMP_PAGES.name(), e.chunks().get(index)));
    }

    void chunks(DumpEvents e, List<Integer> order) {
        order.forEach(i -> chunk(e, i));
    }

    void seal(DumpEvents e) {
        page(e.dumpId(), encode(Topics.DUMP_PAGES.name(), e.seal()));
    }

    /** Metadata, every chunk in order, the seal: an upload as the agent makes it. */
    void upload(DumpEvents e) {
        metadata(e);
        for (int i = 0; i < e.chunks().size(); i++) {
            chunk(e, i);
        }
        seal(e);
    }

    /** Registers the schemas of the dump's events as the gateway does at its start (before an outage). */
    void registerOnTheAgentSide(DumpEvents e) {
        encode(Topics.DUMP_PAGES.name(), e.chunks().getFirst());
        encode(Topics.DUMP_PAGES.name(), e.seal());
    }

    /** A raw value on the pages topic (the bytes a gateway published). */
    void page(String key, byte[] value) {
        pagesTopic.add(value);
        pages.pipeInput(key, value);
    }

    /** Moves the wall clock the processor's punctuation (stall timeout, purge) runs on. */
    void advance(Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<CrashReport> reports() {
        return decode(reports.readRecordsToList(), CrashReport.class);
    }

    List<KernelLogLine> logLines() {
        return decode(kernelLog.readRecordsToList(), KernelLogLine.class);
    }

    List<TestRecord<String, byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** Chunks the processor read back from the pages topic (cache misses). */
    int chunkReads() {
        return chunkReads.get();
    }

    KeyValueStore<String, byte[]> store(String name) {
        return driver.getKeyValueStore(name);
    }

    long entries(String store) {
        long n = 0;
        try (var it = store(store).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private byte[] encode(String topic, SpecificRecord event) {
        try {
            return wire.serialize(topic, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T extends SpecificRecord> List<T> decode(List<TestRecord<String, byte[]>> records, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (TestRecord<String, byte[]> r : records) {
            try {
                out.add(wire.deserialize(r.value(), type));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
