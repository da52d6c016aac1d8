package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crashpipe.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Which chunk sequence numbers of a dump Kafka already has. A bounded cache of what this
 * gateway saw acknowledged; on a miss (another gateway, or a restart) it is rebuilt from the
 * dump's partition of {@code dump-pages}, reading only keys and headers. Kafka stays the truth.
 */
final class ChunkIndex {
    private static final int MAX_DUMPS = 256;

    private final String bootstrap;
    private final Map<String, BitSet> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BitSet> e) {
            return size() > MAX_DUMPS;
        }
    };

    ChunkIndex(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    synchronized void acknowledged(String dumpId, int sequence) {
        BitSet b = cache.get(dumpId);
        if (b != null) {
            b.set(sequence);
        }
    }

    /** The acknowledged sequence numbers, ascending. Blocking on a miss: call off the event loop. */
    int[] present(String dumpId) {
        synchronized (this) {
            BitSet b = cache.get(dumpId);
            if (b != null) {
                return b.stream().toArray();
            }
        }
        BitSet scanned = scan(dumpId);
        synchronized (this) {
            BitSet b = cache.computeIfAbsent(dumpId, k -> new BitSet());
            b.or(scanned);
            return b.stream().toArray();
        }
    }

    private BitSet scan(String dumpId) {
        byte[] key = dumpId.getBytes(StandardCharsets.UTF_8);
        BitSet out = new BitSet();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = Topics.DUMP_PAGES.name();
            int partitions = c.partitionsFor(topic).size();
            // The producer's default partitioner: murmur2 of the key bytes.
            TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Header seq = r.headers().lastHeader(Publisher.HEADER_SEQ);
                    if (seq != null && Arrays.equals(key, r.key())) {
                        out.set(ByteBuffer.wrap(seq.value()).getInt());
                    }
                }
            }
        }
        return out;
    }
}
