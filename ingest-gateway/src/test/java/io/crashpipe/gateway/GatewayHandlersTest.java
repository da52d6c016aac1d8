package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request gate and the ingest handler on an {@link EmbeddedChannel}, with a publisher the test
 * acknowledges by hand: what is refused costs no buffering, what is admitted is answered only after
 * its acknowledgement (also while draining), the registry is asked off the event loop, and every
 * exception is logged and counted.
 */
class GatewayHandlersTest {
    static {
        io.crashpipe.schemas.EventTypes.trust();
    }

    final Metrics metrics = new Metrics();
    final GatewayState state = new GatewayState();
    final DumpLedger ledger = new DumpLedger(1 << 20, DumpLedgerTest.NOTHING_IN_KAFKA);
    final HeldPublisher publisher = new HeldPublisher();
    final ExecutorService blocking = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-blocking"));
    final CountingAllocator alloc = new CountingAllocator();

    @AfterEach
    void stop() throws Exception {
        blocking.shutdownNow();
    }

    /** Heap buffers only, each counted: a copy of a body would show in the thread's allocations and here. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicLong largest = new AtomicLong();

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largest.accumulateAndGet(initialCapacity, Math::max);
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    EmbeddedChannel connection() {
        return connection(ledger);
    }

    EmbeddedChannel connection(DumpLedger ledger) {
        GatewayConfig c = GatewayGuardsTest.config(64L << 20);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ConnectionClock(GatewayGuardsTest.FAST, metrics, true), new HttpServerCodec(),
                new HttpServerKeepAliveHandler(), new RequestGate(c, publisher, metrics, state),
                new BodyAggregator(c, metrics), new IngestHandler(publisher, ledger, metrics, state, blocking),
                new LastResort(metrics));
        return ch;
    }

    /** Headers and {@code bodyBytes} of body in one contiguous buffer, as one socket read delivers them. */
    static ByteBuf oneRead(String head, int bodyBytes) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(h.length + bodyBytes);
        return b.writeBytes(h).writerIndex(h.length + bodyBytes);
    }

    private void refusedWithoutBuffering(String head, String status) {
        EmbeddedChannel warm = connection(); // classes loaded and initialised before measuring
        warm.writeInbound(oneRead(head, 1024));
        GatewayGuardsTest.responses(warm);
        EmbeddedChannel ch = connection();
        ByteBuf read = oneRead(head, 4 << 20);
        long before = GatewayGuardsTest.allocatedBytes();
        ch.writeInbound(read);
        long allocated = GatewayGuardsTest.allocatedBytes() - before;
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 " + status), r);
        assertEquals(0, read.refCnt(), "the 4 MiB that came with the headers were released unread");
        assertTrue(allocated < 256 * 1024, "refusing a 4 MiB body allocated " + allocated + " bytes");
        assertTrue(alloc.largest.get() < 64 * 1024, "largest buffer allocated: " + alloc.largest.get());
        assertFalse(ch.isOpen(), "a body we do not read ends an HTTP/1.1 connection");
        assertTrue(ch.inboundMessages().isEmpty(), "nothing was passed on or aggregated");
    }

    @Test
    void aBodyWithoutATokenIsRefusedWithoutCopyingOrRetainingIt() throws Exception {
        refusedWithoutBuffering(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0", 1 << 20, false), "401");
        refusedWithoutBuffering("GET /healthz HTTP/1.1\r\nHost: g\r\nContent-Length: 2147483648\r\n\r\n", "413");
        refusedWithoutBuffering(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0", 64 << 20, true), "413");
        refusedWithoutBuffering("PUT /nowhere HTTP/1.1\r\nHost: g\r\nContent-Length: 4194304\r\n\r\n", "404");
    }

    @Test
    void aSaturatedGatewayRefusesWith503AndRetryAfterWithoutCopyingTheBody() throws Exception {
        publisher.saturated = true;
        refusedWithoutBuffering(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0", 1 << 20, true), "503");
        assertEquals(2, metrics.refusals(Metrics.Refusal.SATURATED), "the warm-up request and the measured one");
        assertEquals(2, metrics.responses(503));
    }

    @Test
    void aFullInFlightGateRefusesWith503AndRetryAfter() throws Exception {
        GatewayConfig c = GatewayGuardsTest.config(64L << 20);
        metrics.inFlightRequests().set(c.maxPendingEvents());
        EmbeddedChannel ch = connection();
        ByteBuffer body = Events.metadata().toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/metadata",
                body.remaining(), true), body));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 503") && r.contains("retry-after: 1"), r);
        assertTrue(publisher.sent.isEmpty());
    }

    @Test
    void anAdmittedEventIsAnsweredOnlyAfterKafkaAcknowledgedIt() throws Exception {
        EmbeddedChannel ch = connection();
        ByteBuffer body = Events.metadata().toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/metadata",
                body.remaining(), true), body));
        assertEquals("", GatewayGuardsTest.responses(ch));
        assertEquals(1, metrics.inFlightRequests().get());
        assertEquals(Events.metadata().toByteBuffer(), publisher.sent.get(0).body(), "the request body as it came, for framing");
        publisher.acknowledgeAll();
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 200") && r.contains("\"acknowledged\":true"), r);
        assertEquals(0, metrics.inFlightRequests().get());
        assertTrue(ch.isOpen());
    }

    @Test
    void anEventWithBytesAfterItsRecordIsRefused400AndNotPublished() throws Exception {
        EmbeddedChannel ch = connection();
        ByteBuffer event = Events.metadata().toByteBuffer();
        ByteBuffer body = ByteBuffer.allocate(event.remaining() + 3).put(event).put(new byte[] {1, 2, 3}).flip();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/metadata",
                body.remaining(), true), body));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 400") && r.contains("got 3 more bytes"), r);
        assertTrue(publisher.sent.isEmpty());
    }

    @Test
    void drainingAnswersWhatWasAdmittedRefusesWhatIsNewAndClosesConnections() throws Exception {
        EmbeddedChannel admitted = connection();
        ByteBuffer body = Events.metadata().toByteBuffer();
        admitted.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/metadata",
                body.remaining(), true), body));
        state.startDraining(); // Gateway.close() from here on waits while inFlightRequests > 0
        assertEquals(1, metrics.inFlightRequests().get());

        EmbeddedChannel late = connection();
        ByteBuffer chunk = Events.chunk(0, 0x100, 1, (byte) 1).toByteBuffer();
        late.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0",
                chunk.remaining(), true), chunk));
        String refused = GatewayGuardsTest.responses(late);
        assertTrue(refused.startsWith("HTTP/1.1 503") && refused.contains("retry-after: 1")
                && refused.contains("shutting down"), refused);
        assertEquals(1, metrics.refusals(Metrics.Refusal.DRAINING));

        publisher.acknowledgeAll();
        String answered = GatewayGuardsTest.responses(admitted);
        assertTrue(answered.startsWith("HTTP/1.1 200"), "an event admitted before the drain is answered: " + answered);
        assertTrue(answered.contains("connection: close"), answered);
        assertFalse(admitted.isOpen(), "while draining, HTTP/1.1 clients are sent to reconnect elsewhere");
        assertEquals(0, metrics.inFlightRequests().get(), "nothing left for close() to wait for");

        EmbeddedChannel probe = connection();
        probe.writeInbound(GatewayGuardsTest.bytes("GET /healthz HTTP/1.1\r\nHost: g\r\n\r\n"));
        String health = GatewayGuardsTest.responses(probe);
        assertTrue(health.startsWith("HTTP/1.1 200") && health.contains("connection: close"), health);
    }

    @Test
    void aSchemaTheRegistryMustStillRegisterIsPublishedOffTheEventLoop() throws Exception {
        Thread loop = Thread.currentThread(); // an EmbeddedChannel's event loop is the thread that drives it
        publisher.schemasRegistered = false;
        EmbeddedChannel ch = connection();
        ByteBuffer body = Events.metadata().toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/metadata",
                body.remaining(), true), body));
        blocking.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(1, publisher.sent.size());
        assertNotSame(loop, publisher.sent.get(0).thread(), "the registry is never asked on the event loop");
        assertEquals("test-blocking", publisher.sent.get(0).thread().getName());
        publisher.acknowledgeAll();
        assertTrue(GatewayGuardsTest.responses(ch).startsWith("HTTP/1.1 200"));

        publisher.schemasRegistered = true; // registered at start: no hop, no registry call
        publisher.sent.clear();
        ByteBuffer chunk = Events.chunk(0, 0x100, 1, (byte) 1).toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0",
                chunk.remaining(), true), chunk));
        assertSame(loop, publisher.sent.get(0).thread());
    }

    @Test
    void aDumpThisGatewayNeverSawIsReadBackFromKafkaOffTheEventLoop() throws Exception {
        Thread loop = Thread.currentThread();
        java.util.List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();
        DumpLedger fromKafka = new DumpLedger(1 << 20, (id, since) -> {
            readers.add(Thread.currentThread()); // KafkaHistory decodes through the registry: never on the loop
            return new DumpLedger.Known(java.util.Optional.of(Events.metadata()), new SequenceDigests(),
                    java.util.OptionalInt.empty());
        });
        EmbeddedChannel ch = connection(fromKafka);
        ByteBuffer chunk = Events.chunk(0, 0x100, 1, (byte) 1).toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0",
                chunk.remaining(), true), chunk));
        blocking.submit(() -> { }).get(5, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertEquals(1, readers.size());
        assertNotSame(loop, readers.get(0));
        assertEquals(1, publisher.sent.size(), "judged against what Kafka has, then published");
        publisher.acknowledgeAll();
        assertTrue(GatewayGuardsTest.responses(ch).startsWith("HTTP/1.1 200"));
    }

    @Test
    void aMalformedRequestIsAnswered400LoggedAndCounted() throws Exception {
        EmbeddedChannel ch = connection();
        ch.writeInbound(GatewayGuardsTest.bytes("GET /healthz HTTP/1.1\r\nHost: g\r\nX-Long: " + "a".repeat(9000) + "\r\n\r\n"));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 400") && r.contains("a well-formed HTTP request"), r);
        assertFalse(ch.isOpen());
        EmbeddedChannel bad = connection();
        bad.writeInbound(GatewayGuardsTest.bytes("PUT /v1/dumps/" + Events.ID + "/metadata HTTP/1.1\r\nHost: g\r\n"
                + "Content-Length: lots\r\n\r\n"));
        assertTrue(GatewayGuardsTest.responses(bad).startsWith("HTTP/1.1 400"));
        assertEquals(2, metrics.refusals(Metrics.Refusal.MALFORMED));
        assertEquals(2, metrics.exceptions());
    }

    @Test
    void aPublisherThatThrowsIsLoggedCountedAndAnswered503NotLeftHanging() throws Exception {
        publisher.failWith = new IllegalStateException("producer closed");
        EmbeddedChannel ch = connection();
        ByteBuffer body = Events.metadata().toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/metadata",
                body.remaining(), true), body));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 503") && r.contains("producer closed") && r.contains("retry-after: 2"), r);
        assertEquals(1, metrics.exceptions());
        assertEquals(0, metrics.inFlightRequests().get(), "the in-flight gate got its place back");
    }

    @Test
    void anExceptionReachingTheEndOfThePipelineIsLoggedCountedAndClosesTheConnection() throws Exception {
        EmbeddedChannel ch = connection();
        ch.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.exceptions());
    }

    @Test
    void aClientThatStopsReadingItsAnswersIsNotReadAndIsClosedAtTheReadDeadline() throws Exception {
        EmbeddedChannel ch = connection();
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false); // the socket's send buffer is full
        ch.runPendingTasks();
        assertFalse(ch.config().isAutoRead(), "no more requests are read while answers cannot be written");
        Thread.sleep(250);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.timeouts(Metrics.Timeout.WRITE));
    }

    @Test
    void anHttp2ConnectionIsHeldToTheIdleDeadlineNotTheHeaderDeadline() throws Exception {
        ConnectionClock clock = new ConnectionClock(GatewayGuardsTest.FAST, metrics, true);
        EmbeddedChannel ch = new EmbeddedChannel(clock);
        ch.writeInbound(GatewayGuardsTest.bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")); // the preface: frames follow
        clock.http2(); // what Gateway does when prior knowledge or an upgrade installs the HTTP/2 codec
        Thread.sleep(250); // past the 150 ms header deadline
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "an idle HTTP/2 connection is not a slow request header");
        Thread.sleep(300); // past the 400 ms idle deadline
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.timeouts(Metrics.Timeout.IDLE));
        assertEquals(0, metrics.timeouts(Metrics.Timeout.HEADER));
        ch.finishAndReleaseAll();
    }

    @Test
    void aSlowLorisOverTlsIsClosedAtTheHeaderDeadlineOnceHttp11IsNegotiated() throws Exception {
        ConnectionClock clock = new ConnectionClock(GatewayGuardsTest.FAST, metrics, false); // TLS: handshake first
        EmbeddedChannel ch = new EmbeddedChannel(clock);
        clock.http1(); // what Gateway does when ALPN picks http/1.1
        for (int i = 0; i < 6 && ch.isOpen(); i++) {
            ch.writeInbound(GatewayGuardsTest.bytes("s")); // (decrypted or not, a byte now and then)
            Thread.sleep(60);
            ch.runScheduledPendingTasks();
        }
        assertFalse(ch.isOpen(), "each byte resets the idle deadline, not the header deadline");
        assertEquals(1, metrics.timeouts(Metrics.Timeout.HEADER));
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionsBeyondTheCapAreClosedBeforeTheirFirstByteIsRead() throws Exception {
        ConnectionCap cap = new ConnectionCap(1, metrics);
        EmbeddedChannel first = new EmbeddedChannel(cap, new ConnectionClock(GatewayGuardsTest.FAST, metrics, true));
        EmbeddedChannel second = new EmbeddedChannel(cap, new ConnectionClock(GatewayGuardsTest.FAST, metrics, true));
        assertTrue(first.isOpen());
        assertFalse(second.isOpen());
        assertEquals(1, cap.open());
        first.close();
        assertEquals(0, cap.open());
    }
}
