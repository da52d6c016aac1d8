package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.luben.zstd.Zstd;
import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole ingest path on a real KRaft broker: agent -> gateway -> Kafka, then a consumer that
 * decodes through the registry, reassembles every page and compares it with the dump file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestPathIT {
    static final String TOKEN = "test-token";
    static LocalKafka kafka;
    static EmbeddedRegistry registry;
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        Fixtures.assumeAvailable("this test");
        kafka = LocalKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicAdmin.ensure(admin, Topics.INGEST, (short) 1);
        }
        registry = EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
        gateway = Gateway.start(config(0));
        port = gateway.address().getPort();
    }

    static GatewayConfig config(int port) {
        return GatewayConfig.local(new InetSocketAddress("127.0.0.1", port), kafka.bootstrapServers(), registry.uri(),
                Set.of(GatewayConfig.sha256Hex(TOKEN)));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static UploadOptions options(Path state) {
        return UploadOptions.defaults(URI.create("http://127.0.0.1:" + port + "/"), TOKEN, state);
    }

    @Test
    @Order(2)
    void everyFixtureVariantArrivesPageForPageIdentical(@TempDir Path state) throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            for (Path file : Fixtures.variants(dir)) {
                UploadResult r = new Uploader(options(state)).upload(FoundDump.single(file), Progress.NONE);
                assertEquals(0, r.unreadablePages(), file.toString());
                assertTrue(r.hotPagesFirst() && r.hotChunks() > 0 && r.hotPages() > 0, "hot pages went first for " + file);
                verifyInKafka(file, r.dumpId(), r.sealed());
            }
        }
        Path again = Fixtures.variants(Fixtures.dumpDirs().get(0)).get(0);
        UploadResult twice = new Uploader(options(state.resolve("other-host"))).upload(FoundDump.single(again), Progress.NONE);
        assertEquals(0, twice.chunksSent(), "a dump Kafka already has is not sent again, even without a checkpoint");
    }

    @Test
    @Order(1) // before the others upload the same dump: content-derived ids would make it a no-op
    void aGatewayKilledMidUploadLosesNothingAndTheAgentResumesFromItsCheckpoint(@TempDir Path state) throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        AtomicInteger acked = new AtomicInteger();
        Progress killer = new Progress() {
            @Override
            public void chunkAcknowledged(int sequence, long pages, long wireBytes) {
                if (acked.incrementAndGet() == 5) {
                    gateway.kill();
                }
            }
        };
        UploadOptions once = options(state).withMaxAttempts(1).withConcurrency(2);
        assertThrows(IOException.class, () -> new Uploader(once).upload(FoundDump.single(file), killer));
        gateway = Gateway.start(config(port));
        Checkpoint before = Checkpoint.open(state, DumpId.of(file));
        assertTrue(before.chunksSent() >= 5, "chunks acknowledged before the kill are checkpointed");
        UploadResult second = new Uploader(options(state)).upload(FoundDump.single(file), Progress.NONE);
        assertEquals(second.sealed().getChunkCount() - before.chunksSent(), second.chunksSent(),
                "the second run sends only what the first did not get acknowledged");
        verifyInKafka(file, second.dumpId(), second.sealed());
    }

    @Test
    void unauthenticatedOversizedAndMalformedRequestsAreRefusedAndNothingReachesKafka() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String id = "0123456789abcdef0123456789abcdef";
        URI chunk = URI.create("http://127.0.0.1:" + port + "/v1/dumps/" + id + "/chunks/0");
        PageChunk valid = PageChunk.newBuilder().setDumpId(id).setSequence(0).setPages(List.of(new PfnRun(1L, 1)))
                .setCodec(ChunkCodec.NONE).setUncompressedSize(4096).setPayload(ByteBuffer.wrap(new byte[4096])).build();
        byte[] good = bytes(valid.toByteBuffer());

        assertEquals(401, status(http, HttpRequest.newBuilder(chunk).PUT(HttpRequest.BodyPublishers.ofByteArray(good))));
        assertEquals(401, status(http, HttpRequest.newBuilder(chunk).header("Authorization", "Bearer wrong")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(good))));
        assertEquals(413, status(http, HttpRequest.newBuilder(chunk).header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[3 * 1024 * 1024]))));
        assertEquals(400, status(http, HttpRequest.newBuilder(chunk).header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xc3, 1, 2, 3, 4}))));
        PageChunk wrongSeq = PageChunk.newBuilder(valid).setSequence(9).build();
        assertEquals(400, status(http, HttpRequest.newBuilder(chunk).header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(wrongSeq.toByteBuffer())))));
        assertEquals(404, status(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/dumps/NOTHEX/seal"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofByteArray(good))));
        assertEquals(0, TopicReader.forKey(kafka.bootstrapServers(), Topics.DUMP_PAGES.name(), id, v -> {}));
        assertEquals(0, TopicReader.forKey(kafka.bootstrapServers(), Topics.DUMP_META.name(), id, v -> {}));
        assertEquals(200, status(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).GET()));
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String reason : List.of("unauthorized", "invalid_event", "no_route")) {
            assertTrue(metrics.contains("crashpipe_gateway_refusals_total{reason=\"" + reason + "\"}"), "refusals by reason: " + reason);
        }
    }

    private static int status(HttpClient http, HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Decodes the dump's events via the registry and checks every page against the file. */
    static void verifyInKafka(Path file, String dumpId, DumpSealed expected) throws IOException {
        EventSerde serde = new EventSerde(new SchemaRegistryClient(registry.uri()));
        List<DumpMetadata> metas = new ArrayList<>();
        TopicReader.forKey(kafka.bootstrapServers(), Topics.DUMP_META.name(), dumpId,
                v -> metas.add(decode(serde, v, DumpMetadata.class)));
        assertTrue(!metas.isEmpty(), "metadata of " + file);
        BitSet seen = new BitSet();
        AtomicLong pages = new AtomicLong();
        AtomicLong zeros = new AtomicLong();
        List<DumpSealed> seals = new ArrayList<>();
        try (Dump dump = Dumps.open(file)) {
            assertEquals(dump.vmcoreinfo().orElse(null), metas.get(0).getVmcoreinfo());
            int ps = dump.pageSize();
            byte[] want = new byte[ps];
            TopicReader.forKey(kafka.bootstrapServers(), Topics.DUMP_PAGES.name(), dumpId, v -> {
                SpecificRecord rec = decode(serde, v, SpecificRecord.class);
                if (rec instanceof DumpSealed s) {
                    seals.add(s);
                    return;
                }
                PageChunk c = (PageChunk) rec;
                if (seen.get(c.getSequence())) {
                    return; // a duplicate from a retried request: idempotent by sequence
                }
                seen.set(c.getSequence());
                byte[] raw = bytes(c.getPayload());
                byte[] data = c.getCodec() == ChunkCodec.ZSTD ? Zstd.decompress(raw, c.getUncompressedSize()) : raw;
                int off = 0;
                for (PfnRun run : c.getPages()) {
                    for (long pfn = run.getStartPfn(); pfn < run.getStartPfn() + run.getCount(); pfn++) {
                        assertTrue(dump.readPage(pfn, want) instanceof ReadResult.Ok);
                        assertArrayEquals(want, java.util.Arrays.copyOfRange(data, off, off + ps), "pfn " + pfn + " of " + file);
                        off += ps;
                        pages.incrementAndGet();
                    }
                }
                for (PfnRun run : c.getZeroPages()) {
                    for (long pfn = run.getStartPfn(); pfn < run.getStartPfn() + run.getCount(); pfn++) {
                        assertTrue(dump.readPage(pfn, want) instanceof ReadResult.Ok);
                        assertArrayEquals(new byte[ps], want, "zero pfn " + pfn);
                        zeros.incrementAndGet();
                    }
                }
            });
            assertEquals(dump.countPages().dumped(), pages.get() + zeros.get(), "every present page of " + file);
        }
        assertEquals(expected.getChunkCount(), seen.cardinality(), "no chunk missing for " + file);
        assertEquals(expected.getPageCount(), pages.get());
        assertEquals(expected.getZeroPageCount(), zeros.get());
        assertNotNull(seals.isEmpty() ? null : seals.get(seals.size() - 1), "sealed event for " + file);
        assertEquals(expected, seals.get(seals.size() - 1));
    }

    private static <T> T decode(EventSerde serde, byte[] v, Class<T> type) {
        try {
            return type.cast(serde.deserialize(v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
