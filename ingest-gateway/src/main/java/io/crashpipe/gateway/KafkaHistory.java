package io.crashpipe.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.wire.EventSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one dump's events back from its partitions of {@code dump-meta} and {@code dump-pages}
 * (the producer's default partitioner: murmur2 of the key), for the {@link DumpLedger}.
 *
 * <p>A partition holds every dump of its share of the fleet for the retention period (14 days of
 * pages), and this is asked once per fresh upload: reading from the start would make every new
 * dump cost the whole partition. So the read starts at the first record written after the dump
 * existed, less {@link #CLOCK_SKEW}: the time the agent gives (its dump file's), else the file and
 * detection times in the dump's metadata. No time at all (an old agent, a dump uploaded by hand
 * before this gateway saw it): from the start. A dump without metadata in {@code dump-meta} has
 * nothing in {@code dump-pages} either, and that partition is not read at all.
 */
final class KafkaHistory implements DumpLedger.History {
    private final String bootstrap;
    private final EventSerde serde;

    KafkaHistory(String bootstrap, EventSerde serde) {
        this.bootstrap = bootstrap;
        this.serde = serde;
    }

    /**
     * How much earlier than the host's time of the dump records may carry it: record timestamps come
     * from the gateways' clocks, the dump's time from its host's. A host clock further ahead than this
     * makes the read miss earlier chunks, which the agent then sends again (duplicates are discarded
     * by sequence number downstream).
     */
    static final Duration CLOCK_SKEW = Duration.ofDays(1);

    @Override
    public DumpLedger.Known read(String dumpId, OptionalLong since) throws Exception {
        byte[] key = dumpId.getBytes(StandardCharsets.UTF_8);
        DumpMetadata[] meta = {null};
        SequenceDigests chunks = new SequenceDigests();
        int[] seal = {0};
        boolean[] sealed = {false};
        Exception[] failure = {null};
        scan(Topics.DUMP_META.name(), key, since, r -> {
            try {
                meta[0] = serde.deserialize(r.value(), DumpMetadata.class);
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        if (meta[0] == null) {
            // Every gateway refuses a chunk or seal before its dump's metadata is in Kafka, and the
            // topic is compacted, not emptied: no metadata, no pages. A fresh dump (the agent asks
            // before it sends its metadata) costs one small read, not a day of dump-pages.
            return new DumpLedger.Known(Optional.empty(), chunks, OptionalInt.empty());
        }
        OptionalLong pagesSince = since.isPresent() ? since : hostTime(meta[0]);
        scan(Topics.DUMP_PAGES.name(), key, pagesSince, r -> {
            Header type = r.headers().lastHeader(Publisher.HEADER_TYPE);
            String t = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
            try {
                if (t.equals("PageChunk")) {
                    PageChunk c = serde.deserialize(r.value(), PageChunk.class);
                    chunks.put(c.getSequence(), ContentDigest.of(c));
                } else if (t.equals("DumpSealed") && !sealed[0]) {
                    seal[0] = ContentDigest.of(serde.deserialize(r.value(), DumpSealed.class));
                    sealed[0] = true;
                }
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        return new DumpLedger.Known(Optional.of(meta[0]), chunks, sealed[0] ? OptionalInt.of(seal[0]) : OptionalInt.empty());
    }

    /**
     * When the dump was complete on its host, as the watcher saw it. Not the send time: a metadata
     * sent again (lost agent state) is the one compaction keeps, and is younger than the first chunks.
     */
    private static OptionalLong hostTime(DumpMetadata m) {
        return Stream.of(m.getFileCompleteAt(), m.getDetectedAt())
                .filter(Objects::nonNull).mapToLong(Instant::toEpochMilli).min();
    }

    private void scan(String topic, byte[] key, OptionalLong since, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int partitions = c.partitionsFor(topic).size();
            TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            if (since.isPresent()) {
                OffsetAndTimestamp first = c.offsetsForTimes(Map.of(tp, Math.max(0, since.getAsLong() - CLOCK_SKEW.toMillis()))).get(tp);
                if (first == null) {
                    return; // nothing written since then
                }
                c.seek(tp, first.offset());
            } else {
                c.seekToBeginning(List.of(tp));
            }
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (Arrays.equals(key, r.key())) {
                        each.accept(r);
                    }
                }
            }
        }
    }
}
