package io.crashpipe.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.RegistryException;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.ConfluentWire;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.schemas.wire.WireFormatException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded registry on a real KRaft broker, spoken to by our client and by Confluent's. */
class RegistryTest {
    static LocalKafka kafka;
    static EmbeddedRegistry registry;

    @BeforeAll
    static void start() throws IOException {
        kafka = LocalKafka.startTemporary();
        registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void registeringTheSameSchemaTwiceGivesTheSameIdAndItReadsBack() throws IOException {
        SchemaRegistryClient client = new SchemaRegistryClient(registry.uri());
        int id = client.register("t1-value", PageChunk.getClassSchema());
        assertEquals(id, new SchemaRegistryClient(registry.uri()).register("t1-value", PageChunk.getClassSchema()));
        assertEquals(PageChunk.getClassSchema(), new SchemaRegistryClient(registry.uri()).schemaById(id));
    }

    @Test
    void anIncompatibleChangeIsRefusedWith409AndACompatibleOneAccepted() throws IOException {
        SchemaRegistryClient client = new SchemaRegistryClient(registry.uri());
        Schema v1 = SchemaBuilder.record("Evo").namespace("x").fields().requiredLong("a").endRecord();
        Schema v2ok = SchemaBuilder.record("Evo").namespace("x").fields().requiredLong("a")
                .name("b").type().stringType().stringDefault("").endRecord();
        Schema v2bad = SchemaBuilder.record("Evo").namespace("x").fields().requiredLong("a")
                .requiredString("c").endRecord();
        client.register("evo", v1);
        assertTrue(client.isCompatible("evo", v2ok));
        assertFalse(client.isCompatible("evo", v2bad));
        RegistryException e = assertThrows(RegistryException.class, () -> client.register("evo", v2bad));
        assertEquals(409, e.httpStatus());
        client.register("evo", v2ok);
    }

    @Test
    void schemasSurviveARegistryRestartBecauseTheyLiveInKafka() throws IOException {
        Schema s = SchemaBuilder.record("Durable").namespace("x").fields().requiredInt("n").endRecord();
        int id = new SchemaRegistryClient(registry.uri()).register("durable", s);
        try (EmbeddedRegistry second = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0))) {
            assertEquals(s, new SchemaRegistryClient(second.uri()).schemaById(id));
        }
    }

    @Test
    void compatibilitySettingsSurviveARestartAndTheSchemasTopicCanTakeItsOwnWrites() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var put = java.net.http.HttpRequest.newBuilder(registry.uri().resolve("config/settled-value"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"FULL\"}")).build();
        assertEquals(200, http.send(put, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        try (EmbeddedRegistry second = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0),
                (short) 3)) {
            var get = java.net.http.HttpRequest.newBuilder(second.uri().resolve("config/settled-value")).GET().build();
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var res = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "_schemas");
            String minIsr = admin.describeConfigs(List.of(res)).all().get().get(res).get("min.insync.replicas").value();
            int replicas = admin.describeTopics(List.of("_schemas")).allTopicNames().get().get("_schemas").partitions().get(0).replicas().size();
            assertEquals(1, replicas, "one broker here: three were asked for, as many as there are were given");
            assertEquals("1", minIsr, "no more in-sync replicas required than there are replicas");
        }
    }

    @Test
    void eventsRoundTripThroughTheWireFormat() throws IOException {
        EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
        PageChunk chunk = PageChunk.newBuilder().setDumpId("abc").setSequence(7)
                .setPages(List.of(new PfnRun(4096L, 2))).setZeroPages(List.of(new PfnRun(4098L, 1)))
                .setCodec(ChunkCodec.ZSTD).setUncompressedSize(8192)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
        byte[] wire = serde.serialize(Topics.DUMP_PAGES.name(), chunk);
        assertEquals(0, wire[0]);
        PageChunk back = new EventSerde(new SchemaRegistryClient(registry.uri())).deserialize(wire, PageChunk.class);
        assertEquals(chunk, back);
        DumpSealed sealed = DumpSealed.newBuilder().setDumpId("abc").setChunkCount(8).setPageCount(2000)
                .setZeroPageCount(3).setPageDataSha256("00").build();
        assertInstanceOf(DumpSealed.class, serde.deserialize(serde.serialize(Topics.DUMP_PAGES.name(), sealed)));
    }

    @Test
    void aSingleObjectBodyIsFramedForKafkaExactlyAsSerializingTheEventWouldBe() throws IOException {
        EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
        PageChunk chunk = PageChunk.newBuilder().setDumpId("abc").setSequence(7)
                .setPages(List.of(new PfnRun(4096L, 2))).setZeroPages(List.of())
                .setCodec(ChunkCodec.ZSTD).setUncompressedSize(8192)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3, 4})).build();
        String topic = Topics.DUMP_PAGES.name();
        ByteBuffer body = chunk.toByteBuffer();
        int at = body.position();
        assertArrayEquals(serde.serialize(topic, chunk), serde.frameSingleObject(topic, chunk, body));
        assertEquals(at, body.position(), "the body is read, not consumed");

        // another writer schema's fingerprint: the event is encoded anew, with the same result
        ByteBuffer other = chunk.toByteBuffer();
        other.put(other.position() + 2, (byte) (other.get(other.position() + 2) ^ 0x55));
        assertArrayEquals(serde.serialize(topic, chunk), serde.frameSingleObject(topic, chunk, other));

        DumpSealed sealed = DumpSealed.newBuilder().setDumpId("abc").setChunkCount(8).setPageCount(2000)
                .setZeroPageCount(3).setPageDataSha256("00").build();
        assertEquals(sealed, serde.deserialize(serde.frameSingleObject(topic, sealed, sealed.toByteBuffer()), DumpSealed.class));
    }

    @Test
    void aMessageWithoutMagicZeroOrWithTrailingBytesIsRefused() throws IOException {
        EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
        assertThrows(WireFormatException.class, () -> serde.deserialize(new byte[] {1, 0, 0, 0, 1, 0}));
        byte[] good = serde.serialize("t2", DumpSealed.newBuilder().setDumpId("d").setChunkCount(1).setPageCount(1)
                .setZeroPageCount(0).setPageDataSha256("ff").build());
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(WireFormatException.class, () -> serde.deserialize(longer));
    }

    @Test
    void confluentsOwnClientRegistersAndReadsFromTheEmbeddedRegistry() throws Exception {
        var confluent = new CachedSchemaRegistryClient(registry.uri().toString(), 100);
        String text = DumpSealed.getClassSchema().toString();
        int id = confluent.register("conf-value", new AvroSchema(text));
        // Our client sees what Confluent's registered, and the other way round.
        assertEquals(DumpSealed.getClassSchema(), new SchemaRegistryClient(registry.uri()).schemaById(id));
        int ours = new SchemaRegistryClient(registry.uri()).register("conf2-value", PageChunk.getClassSchema());
        var fetched = new CachedSchemaRegistryClient(registry.uri().toString(), 100).getSchemaById(ours);
        assertEquals(PageChunk.getClassSchema().toString(), ((AvroSchema) fetched).rawSchema().toString());
        assertTrue(confluent.getAllSubjects().containsAll(List.of("conf-value", "conf2-value")));
        assertEquals(1, confluent.getLatestSchemaMetadata("conf-value").getVersion());
        assertEquals(1, confluent.getVersion("conf-value", new AvroSchema(text)));
        assertTrue(confluent.testCompatibility("conf-value", new AvroSchema(text)));
    }

    @Test
    void theFramingIsMagicZeroThenABigEndianId() {
        byte[] f = ConfluentWire.frame(0x01020304, new byte[] {9});
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 9}, f);
        assertEquals(0x01020304, ConfluentWire.parse(f).schemaId());
    }
}
