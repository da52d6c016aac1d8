package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection pipeline exactly as the gateway's sockets get it ({@link ConnectionPipeline}) on an
 * {@link EmbeddedChannel}: the h2c upgrade as Java's HttpClient asks for it, and HTTP/2 streams
 * refused and admitted on one connection.
 */
class GatewayProtocolsTest {
    static {
        io.crashpipe.schemas.EventTypes.trust();
    }

    /** What Java's HttpClient sends on the first request of a new cleartext connection (HTTP_2 requested). */
    static final String UPGRADE = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA\r\n";

    final Metrics metrics = new Metrics();
    final GatewayState state = new GatewayState();
    final DumpLedger ledger = new DumpLedger(1 << 20, DumpLedgerTest.NOTHING_IN_KAFKA);
    final HeldPublisher publisher = new HeldPublisher();
    final ExecutorService blocking = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-blocking"));

    @AfterEach
    void stop() {
        blocking.shutdownNow();
    }

    EmbeddedChannel connection() throws Exception {
        // the default deadlines: a test slowed down by a busy machine is not cut off as a slow client
        GatewayConfig config = GatewayGuardsTest.config(64L << 20).withGuards(GatewayConfig.Guards.DEFAULT);
        ConnectionPipeline pipeline = new ConnectionPipeline(config, publisher, ledger, metrics, state, blocking, null);
        // accepted by a server channel, as Http2MultiplexHandler checks to tell a server's upgrade from a client's
        EmbeddedChannel ch = new EmbeddedChannel(new LocalServerChannel(), DefaultChannelId.newInstance(), false, false);
        pipeline.install(ch);
        ch.register();
        return ch;
    }

    static String put(String what, int length, String extraHeaders) {
        return "PUT /v1/dumps/" + Events.ID + "/" + what + " HTTP/1.1\r\nHost: g\r\nContent-Length: " + length + "\r\n"
                + "Authorization: Bearer " + GatewayGuardsTest.TOKEN + "\r\n" + extraHeaders + "\r\n";
    }

    private String metadataAcknowledged(EmbeddedChannel ch) throws Exception {
        ByteBuffer meta = Events.metadata().toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(put("metadata", meta.remaining(), ""), meta));
        publisher.acknowledgeAll();
        return GatewayGuardsTest.responses(ch);
    }

    /** The cause of the storm's empty 413s, kept as a reproduction: Netty's own handler buffers the body. */
    @Test
    void nettysUpgradeHandlerRefusesAnUpgradeRequestCarryingAChunkWithAnEmpty413() throws Exception {
        HttpServerCodec source = new HttpServerCodec();
        EmbeddedChannel ch = new EmbeddedChannel(source, new HttpServerUpgradeHandler(source, p -> null, 64 * 1024));
        ByteBuffer chunk = Events.chunk(0, 0x1000, 256, (byte) 7).toByteBuffer();
        ch.writeInbound(GatewayGuardsTest.withBody(put("chunks/0", chunk.remaining(), UPGRADE), chunk));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 413") && r.toLowerCase(java.util.Locale.ROOT).contains("content-length: 0"), r);
        ch.finishAndReleaseAll();
    }

    @Test
    void aChunkOnAnUpgradeRequestIsServedAsHttp11AndAcknowledgedNot413() throws Exception {
        EmbeddedChannel ch = connection();
        assertTrue(metadataAcknowledged(ch).startsWith("HTTP/1.1 200"));
        ByteBuffer chunk = Events.chunk(0, 0x1000, 256, (byte) 7).toByteBuffer(); // 1 MiB of pages, as the agent sends
        assertTrue(chunk.remaining() > 1 << 20);
        ch.writeInbound(GatewayGuardsTest.withBody(put("chunks/0", chunk.remaining(), UPGRADE), chunk));
        assertEquals(2, publisher.sent.size(), "the chunk was admitted and published");
        publisher.acknowledgeAll();
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 200") && r.contains("\"acknowledged\":true"), r);
        assertEquals(0, metrics.refusals(Metrics.Refusal.TOO_LARGE));
        assertTrue(ch.isOpen(), "still an HTTP/1.1 connection, kept alive");

        // the client's next body-less request (its next upgrade attempt) is upgraded
        ch.writeInbound(GatewayGuardsTest.bytes("GET /v1/dumps/" + Events.ID + "/chunks HTTP/1.1\r\nHost: g\r\n"
                + "Authorization: Bearer " + GatewayGuardsTest.TOKEN + "\r\n" + UPGRADE + "\r\n"));
        String up = GatewayGuardsTest.responses(ch);
        assertTrue(up.startsWith("HTTP/1.1 101 Switching Protocols"), up);
        ch.finishAndReleaseAll();
    }

    @Test
    void anOversizedUpgradeRequestIsRefusedWithALimitAndASizeNotAnEmpty413() throws Exception {
        EmbeddedChannel ch = connection();
        ch.writeInbound(GatewayGuardsTest.withBody(put("chunks/0", 3 << 20, UPGRADE), ByteBuffer.allocate(1024)));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 413") && r.contains("3145728 bytes exceeds the limit of 2097152 bytes"), r);
        assertFalse(ch.isOpen(), "the unread body ends the HTTP/1.1 connection");
    }

    private static Http2Headers h2Put(String what, long length) {
        return new DefaultHttp2Headers().method("PUT").scheme("http").authority("g")
                .path("/v1/dumps/" + Events.ID + "/" + what)
                .set("authorization", "Bearer " + GatewayGuardsTest.TOKEN)
                .setLong("content-length", length);
    }

    @Test
    void aRefusedHttp2StreamGetsItsStatusItsDataIsDiscardedAndTheConnectionServesTheNextStream() throws Exception {
        EmbeddedChannel ch = connection();
        H2Wire wire = new H2Wire(ch);
        wire.preface();

        int tooLarge = 12 << 20; // over the 2 MiB chunk limit: refused from the headers alone
        wire.headers(1, h2Put("chunks/0", tooLarge), false);
        String refused = wire.answer(1);
        assertTrue(refused.startsWith("413 ") && refused.contains(tooLarge + " bytes exceeds the limit of 2097152 bytes"),
                refused + " in " + wire.received);
        // The client does not know yet and sends its whole body, more than the stream's window (4 MiB)
        // and the connection's (8 MiB): it gets through only if the server returns the credit of
        // what it discards, as it discards it.
        for (int sent = 0; sent < tooLarge; sent += 16384) {
            wire.read();
            wire.data(1, Math.min(16384, tooLarge - sent), sent + 16384 >= tooLarge);
        }
        assertEquals(List.of(), wire.of("RST_STREAM"), "the refused stream ends normally");
        assertEquals(List.of(), wire.of("GOAWAY"));
        assertTrue(publisher.sent.isEmpty(), "nothing of the refused body was passed on");

        ByteBuffer meta = Events.metadata().toByteBuffer();
        wire.headers(3, h2Put("metadata", meta.remaining()), false);
        wire.data(3, Unpooled.wrappedBuffer(meta), true);
        assertEquals(1, publisher.sent.size(), "the next stream on the same connection is admitted");
        publisher.acknowledgeAll();
        String admitted = wire.answer(3);
        assertTrue(admitted.startsWith("200 ") && admitted.contains("\"acknowledged\":true"), admitted);
        assertEquals(1, metrics.refusals(Metrics.Refusal.TOO_LARGE));
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
