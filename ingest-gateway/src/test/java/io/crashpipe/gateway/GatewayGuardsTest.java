package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's HTTP/1.1 request pipeline on an {@link EmbeddedChannel}, exactly as
 * {@link Gateway} assembles it (clock, codec, keep-alive, gate, aggregator, handler, last resort),
 * with no Kafka: every behaviour here happens before an event would be published.
 */
class GatewayGuardsTest {
    static final String TOKEN = "secret";
    static final GatewayConfig.Guards FAST = new GatewayConfig.Guards(2, Duration.ofMillis(150), Duration.ofMillis(150),
            Duration.ofMillis(400), 1 << 20);

    static Publisher open;
    static Publisher saturated;

    @BeforeAll
    static void publishers() {
        open = new Publisher(config(64L << 20));
        saturated = new Publisher(config(0));
    }

    @AfterAll
    static void close() {
        open.close();
        saturated.close();
    }

    static GatewayConfig config(long budget) {
        return new GatewayConfig(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1:1", URI.create("http://127.0.0.1:1/"),
                Set.of(GatewayConfig.sha256Hex(TOKEN)), 2 * 1024 * 1024, 8 * 1024 * 1024, budget, Optional.empty(), FAST);
    }

    final Metrics metrics = new Metrics();
    final GatewayState state = new GatewayState();
    final DumpLedger ledger = new DumpLedger(1 << 20, DumpLedgerTest.NOTHING_IN_KAFKA);

    EmbeddedChannel connection(Publisher publisher) {
        GatewayConfig c = config(publisher == saturated ? 0 : 64L << 20);
        return new EmbeddedChannel(new ConnectionClock(FAST, metrics, true), new HttpServerCodec(),
                new HttpServerKeepAliveHandler(), new RequestGate(c, publisher, metrics, state),
                new BodyAggregator(c, metrics), new IngestHandler(publisher, ledger, metrics, state, Runnable::run),
                new LastResort(metrics));
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    static String responses(EmbeddedChannel ch) {
        ch.runPendingTasks();
        StringBuilder sb = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    static String put(String path, int length, boolean token) {
        return "PUT " + path + " HTTP/1.1\r\nHost: g\r\nContent-Length: " + length + "\r\n"
                + (token ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "\r\n";
    }

    static ByteBuf withBody(String head, ByteBuffer body) {
        return Unpooled.wrappedBuffer(bytes(head), Unpooled.wrappedBuffer(body));
    }

    @Test
    void aHealthCheckDeclaringABodyIsRefusedBeforeTheBodyIsBufferedAndTheConnectionClosed() {
        EmbeddedChannel ch = connection(open);
        ByteBuf first = Unpooled.wrappedBuffer(bytes("GET /healthz HTTP/1.1\r\nHost: g\r\nContent-Length: 1073741824\r\n\r\n"),
                Unpooled.wrappedBuffer(new byte[1 << 20]));
        ch.writeInbound(first);
        String r = responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 413"), r);
        assertTrue(r.contains("no body on GET"), r);
        assertEquals(0, first.refCnt(), "the body that came with the headers was released, not aggregated");
        assertFalse(ch.isOpen(), "a body we will not read makes the connection unusable");
        assertEquals(1, metrics.refusals(Metrics.Refusal.UNEXPECTED_BODY));
    }

    @Test
    void anUnauthenticatedUploadIsRefusedAndItsBodyDiscardedUnread() {
        EmbeddedChannel ch = connection(open);
        ByteBuf req = withBody(put("/v1/dumps/" + Events.ID + "/chunks/0", 1 << 20, false), ByteBuffer.allocate(1 << 19));
        ch.writeInbound(req);
        String r = responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 401"), r);
        assertEquals(0, req.refCnt());
        assertFalse(ch.isOpen());
    }

    @Test
    void aSaturatedGatewayAnswers503WithRetryAfterAndDiscardsTheBody() throws Exception {
        EmbeddedChannel ch = connection(saturated);
        ByteBuffer body = Events.chunk(0, 0x100, 1, (byte) 1).toByteBuffer();
        ByteBuf req = withBody(put("/v1/dumps/" + Events.ID + "/chunks/0", body.remaining(), true), body);
        ch.writeInbound(req);
        String r = responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 503"), r);
        assertTrue(r.contains("retry-after: 1"), r);
        assertEquals(0, req.refCnt());
        assertEquals(1, metrics.refusals(Metrics.Refusal.SATURATED));
    }

    @Test
    void aDrainingGatewayRefusesNewEventsButStillAnswersHealthChecks() throws Exception {
        state.startDraining();
        EmbeddedChannel ch = connection(open);
        ByteBuffer body = Events.metadata().toByteBuffer();
        ch.writeInbound(withBody(put("/v1/dumps/" + Events.ID + "/metadata", body.remaining(), true), body));
        String r = responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 503"), r);
        assertTrue(r.contains("shutting down"), r);
        EmbeddedChannel probe = connection(open);
        probe.writeInbound(bytes("GET /readyz HTTP/1.1\r\nHost: g\r\n\r\n"));
        assertTrue(responses(probe).contains("draining"));
    }

    @Test
    void aTinyBodyDeclaringAHugeStringIsRefusedWithoutAllocatingIt() throws Exception {
        ByteBuffer valid = Events.metadata().toByteBuffer();
        ByteBuffer body = ByteBuffer.allocate(15);
        body.put(valid.array(), valid.arrayOffset(), 10); // the single-object header of DumpMetadata
        body.put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}); // dumpId: 2^31-1 bytes
        body.flip();
        EmbeddedChannel ch = connection(open);
        long before = allocatedBytes();
        ch.writeInbound(withBody(put("/v1/dumps/" + Events.ID + "/metadata", 15, true), body));
        String r = responses(ch);
        assertTrue(allocatedBytes() - before < 64L << 20, "allocated " + (allocatedBytes() - before) + " bytes");
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertTrue(r.contains("dumpId: a length within the 0 bytes left, got 2147483647"), r);
    }

    @Test
    void aChunkOfADumpWhoseMetadataKafkaNeverGotIsRefused() throws Exception {
        EmbeddedChannel ch = connection(open);
        ByteBuffer body = Events.chunk(0, 0x100, 1, (byte) 1).toByteBuffer();
        ch.writeInbound(withBody(put("/v1/dumps/" + Events.ID + "/chunks/0", body.remaining(), true), body));
        String r = responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 409"), r);
        assertTrue(r.contains("metadata"), r);
        assertEquals(1, metrics.refusals(Metrics.Refusal.CONFLICT));
        assertTrue(ch.isOpen(), "a refused event whose body was read keeps the connection");
    }

    @Test
    void aSlowLorisTricklingHeadersIsClosedAtTheHeaderDeadline() throws Exception {
        EmbeddedChannel ch = connection(open);
        ch.writeInbound(bytes("GET /healthz HTTP/1.1\r\nHo"));
        for (int i = 0; i < 6 && ch.isOpen(); i++) {
            Thread.sleep(60);
            ch.writeInbound(bytes("s")); // a byte now and then keeps a read timeout happy, not the header deadline
            ch.runScheduledPendingTasks();
        }
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.timeouts(Metrics.Timeout.HEADER));
        assertEquals(0, metrics.refusals(Metrics.Refusal.MALFORMED), "the half request left at the close is not malformed");
        assertEquals(0, metrics.exceptions());
    }

    @Test
    void aBodyThatStopsArrivingIsClosedAtTheReadDeadline() throws Exception {
        EmbeddedChannel ch = connection(open);
        ch.writeInbound(withBody(put("/v1/dumps/" + Events.ID + "/chunks/0", 10_000, true), ByteBuffer.allocate(100)));
        Thread.sleep(250);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.timeouts(Metrics.Timeout.READ));
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleDeadlineNotBefore() throws Exception {
        EmbeddedChannel ch = connection(open);
        ch.writeInbound(bytes("GET /healthz HTTP/1.1\r\nHost: g\r\n\r\n"));
        assertTrue(responses(ch).startsWith("HTTP/1.1 200"));
        Thread.sleep(250); // past the header and read deadlines: neither applies between requests
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        Thread.sleep(250);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.timeouts(Metrics.Timeout.IDLE));
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() {
        ConnectionCap cap = new ConnectionCap(2, metrics);
        EmbeddedChannel a = new EmbeddedChannel(cap);
        EmbeddedChannel b = new EmbeddedChannel(cap);
        EmbeddedChannel c = new EmbeddedChannel(cap);
        assertTrue(a.isOpen() && b.isOpen());
        assertFalse(c.isOpen());
        a.close();
        assertTrue(new EmbeddedChannel(cap).isOpen(), "a closed connection frees its place");
        assertEquals(1, metrics.refusals(Metrics.Refusal.TOO_MANY_CONNECTIONS));
    }

    @Test
    void everyExceptionIsCountedAndClosesTheConnection() {
        EmbeddedChannel ch = connection(open);
        ch.pipeline().fireExceptionCaught(new IllegalStateException("boom"));
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.exceptions());
    }

    @Test
    void memoryReturnsToItsBaselineAfterAFlood() throws Exception {
        long baseline = heapAfterGc();
        ByteBuffer tiny = ByteBuffer.allocate(15);
        ByteBuffer valid = Events.metadata().toByteBuffer();
        tiny.put(valid.array(), valid.arrayOffset(), 10).put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        List<ByteBuf> sent = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            EmbeddedChannel ch = connection(i % 7 == 0 ? saturated : open);
            ByteBuf req = switch (i % 3) {
                case 0 -> Unpooled.wrappedBuffer(bytes("GET /healthz HTTP/1.1\r\nHost: g\r\nContent-Length: 1073741824\r\n\r\n"),
                        Unpooled.wrappedBuffer(new byte[256 * 1024]));
                case 1 -> withBody(put("/v1/dumps/" + Events.ID + "/chunks/" + i, 1 << 20, false), ByteBuffer.allocate(256 * 1024));
                default -> withBody(put("/v1/dumps/" + Events.ID + "/metadata", 15, true), tiny.duplicate().flip());
            };
            sent.add(req);
            ch.writeInbound(req);
            responses(ch);
            ch.finishAndReleaseAll();
        }
        for (ByteBuf b : sent) {
            assertEquals(0, b.refCnt(), "every request buffer was released");
        }
        sent.clear();
        long after = heapAfterGc();
        assertTrue(after - baseline < 48L << 20, "heap " + (baseline >> 20) + " MiB before, " + (after >> 20) + " MiB after");
        assertTrue(ledger.bytes() < 1 << 20);
    }

    static long heapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
