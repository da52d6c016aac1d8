package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a gateway reads back of a dump it never saw, on a real KRaft broker: only the records
 * written after the dump existed (less a day for clock skew), not the partition's whole retention.
 * Records are written with explicit timestamps: chunk 0 of the dump four days before its file's
 * time (which a real upload cannot do, so that the bound shows), chunk 1 and 2 after it; and a
 * chunk of a dump that has no metadata, which no gateway lets through, to show that such a dump's
 * pages are not read.
 */
class KafkaHistoryIT {
    static IngestKafka broker;
    static EventSerde serde;
    static final Instant FILE_TIME = Instant.now().minus(Duration.ofHours(2));
    /** A dump with a chunk in dump-pages but no metadata, which no gateway accepts: written by hand here. */
    static final String WITHOUT_METADATA = "0badc0ffee0000000000000000000000";

    @BeforeAll
    static void start() throws Exception {
        broker = IngestKafka.start();
        serde = new EventSerde(new SchemaRegistryClient(broker.registry.uri()));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            DumpMetadata meta = Events.metadata();
            meta.setFileCompleteAt(FILE_TIME);
            send(p, Topics.DUMP_META.name(), FILE_TIME.plusSeconds(1), meta);
            send(p, Topics.DUMP_PAGES.name(), FILE_TIME.minus(Duration.ofDays(4)), Events.chunk(0, 0x100, 1, (byte) 1));
            send(p, Topics.DUMP_PAGES.name(), FILE_TIME.plusSeconds(2), Events.chunk(1, 0x101, 1, (byte) 2));
            send(p, Topics.DUMP_PAGES.name(), FILE_TIME.plusSeconds(3), Events.chunk(2, 0x102, 1, (byte) 3));
            PageChunk orphan = Events.chunk(0, 0x100, 1, (byte) 4);
            orphan.setDumpId(WITHOUT_METADATA);
            send(p, Topics.DUMP_PAGES.name(), WITHOUT_METADATA, FILE_TIME.plusSeconds(4), orphan);
            p.flush();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, Instant at, SpecificRecord event) throws Exception {
        send(p, topic, Events.ID, at, event);
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String dumpId, Instant at, SpecificRecord event)
            throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, at.toEpochMilli(),
                dumpId.getBytes(StandardCharsets.UTF_8), serde.serialize(topic, event));
        r.headers().add(Publisher.HEADER_TYPE, event.getSchema().getName().getBytes(StandardCharsets.UTF_8));
        p.send(r).get();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theReadStartsADayBeforeTheTimeTheAgentGives() throws Exception {
        DumpLedger.Known k = new KafkaHistory(broker.bootstrap(), serde).read(Events.ID, OptionalLong.of(FILE_TIME.toEpochMilli()));
        assertArrayEquals(new int[] {1, 2}, k.chunks().sequences());
        assertTrue(k.metadata().isPresent());
    }

    @Test
    void withoutATimeFromTheAgentTheMetadatasFileTimeBoundsThePages() throws Exception {
        DumpLedger.Known k = new KafkaHistory(broker.bootstrap(), serde).read(Events.ID, OptionalLong.empty());
        assertArrayEquals(new int[] {1, 2}, k.chunks().sequences());
    }

    @Test
    void aDumpWithoutMetadataInKafkaIsAnsweredWithoutReadingItsPages() throws Exception {
        DumpLedger.Known k = new KafkaHistory(broker.bootstrap(), serde)
                .read(WITHOUT_METADATA, OptionalLong.of(FILE_TIME.toEpochMilli()));
        assertTrue(k.metadata().isEmpty());
        assertArrayEquals(new int[0], k.chunks().sequences());
    }

    @Test
    void aTimeAfterEveryRecordFindsNothingAndAnOldOneFindsEverything() throws Exception {
        KafkaHistory h = new KafkaHistory(broker.bootstrap(), serde);
        assertArrayEquals(new int[0], h.read(Events.ID, OptionalLong.of(Instant.now().plus(Duration.ofDays(2)).toEpochMilli()))
                .chunks().sequences());
        assertArrayEquals(new int[] {0, 1, 2}, h.read(Events.ID, OptionalLong.of(FILE_TIME.minus(Duration.ofDays(5)).toEpochMilli()))
                .chunks().sequences());
    }
}
