package io.crashpipe.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.wire.EventSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one dump's events back from its partitions of {@code dump-meta} and {@code dump-pages}
 * (the producer's default partitioner: murmur2 of the key), for the {@link DumpLedger}.
 */
final class KafkaHistory implements DumpLedger.History {
    private final String bootstrap;
    private final EventSerde serde;

    KafkaHistory(String bootstrap, EventSerde serde) {
        this.bootstrap = bootstrap;
        this.serde = serde;
    }

    @Override
    public DumpLedger.Known read(String dumpId) throws Exception {
        byte[] key = dumpId.getBytes(StandardCharsets.UTF_8);
        DumpMetadata[] meta = {null};
        SequenceDigests chunks = new SequenceDigests();
        int[] seal = {0};
        boolean[] sealed = {false};
        Exception[] failure = {null};
        scan(Topics.DUMP_META.name(), key, r -> {
            try {
                meta[0] = serde.deserialize(r.value(), DumpMetadata.class);
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        scan(Topics.DUMP_PAGES.name(), key, r -> {
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
        return new DumpLedger.Known(Optional.ofNullable(meta[0]), chunks, sealed[0] ? OptionalInt.of(seal[0]) : OptionalInt.empty());
    }

    private void scan(String topic, byte[] key, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int partitions = c.partitionsFor(topic).size();
            TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
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
