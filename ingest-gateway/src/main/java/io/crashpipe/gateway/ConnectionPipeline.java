package io.crashpipe.gateway;

import java.util.concurrent.Executor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every accepted connection is given: the cap, the clock, the protocol (HTTP/1.1, h2c by
 * upgrade or prior knowledge, or TLS with ALPN) and, per HTTP/1.1 connection or HTTP/2 stream,
 * the request pipeline: gate (headers only), aggregator, ingest handler. One place, so that tests
 * run on an {@code EmbeddedChannel} exactly what the gateway's sockets run.
 */
final class ConnectionPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPipeline.class);

    /**
     * HTTP/2's default flow-control window is 64 KiB per stream and per connection: an agent could
     * have only 64 KiB of chunk bodies on the wire before waiting a round trip for WINDOW_UPDATE,
     * which on a busy host held a whole upload to a few MB/s. A window of {@link #STREAM_WINDOW}
     * per stream (Netty gives the connection twice that) lets several 1 MiB chunks be in flight;
     * larger frames cut the per-frame work.
     */
    static final int STREAM_WINDOW = 4 << 20;
    static final int MAX_FRAME = 1 << 20;

    private final GatewayConfig config;
    private final EventPublisher publisher;
    private final DumpLedger ledger;
    private final Metrics metrics;
    private final GatewayState state;
    private final Executor blocking;
    private final ConnectionCap cap;
    private final LastResort lastResort;
    private final SslContext ssl;

    /** @param ssl null for cleartext (HTTP/1.1 and h2c) */
    ConnectionPipeline(GatewayConfig config, EventPublisher publisher, DumpLedger ledger, Metrics metrics,
            GatewayState state, Executor blocking, SslContext ssl) {
        this.config = config;
        this.publisher = publisher;
        this.ledger = ledger;
        this.metrics = metrics;
        this.state = state;
        this.blocking = blocking;
        this.cap = new ConnectionCap(config.guards().maxConnections(), metrics);
        this.lastResort = new LastResort(metrics);
        this.ssl = ssl;
    }

    /** Installs the connection's handlers on a freshly accepted channel. */
    void install(Channel ch) {
        ch.pipeline().addLast("cap", cap);
        ch.pipeline().addLast("clock", new ConnectionClock(config.guards(), metrics, ssl == null));
        if (ssl != null) {
            tls(ch);
        } else {
            cleartext(ch);
        }
        ch.pipeline().addLast("last-resort", lastResort);
    }

    private void tls(Channel ch) {
        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2Connection(ch);
                } else {
                    ConnectionClock clock = ConnectionClock.of(ch);
                    if (clock != null) {
                        clock.http1();
                    }
                    ctx.pipeline().addBefore("last-resort", null, new HttpServerCodec());
                    http1Requests(ctx.pipeline());
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                // Netty's own handler would only log it: count it like every other exception.
                LOG.warn("connection {}: TLS handshake failed: {}", ctx.channel().remoteAddress(), cause.toString());
                metrics.exception(cause);
                ctx.close();
            }
        });
    }

    private void cleartext(Channel ch) {
        HttpServerCodec source = new HttpServerCodec();
        HttpServerUpgradeHandler upgrade = new BodilessUpgrade(source, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? http2(ch, new Http2ServerUpgradeCodec(http2Codec(), new Http2MultiplexHandler(streamInitializer())))
                        : null, metrics);
        ChannelInitializer<Channel> priorKnowledge = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                http2Connection(c);
            }
        };
        ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(source, upgrade, priorKnowledge));
        // Reached only by HTTP/1.1 requests not upgraded: install the request pipeline then.
        ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpMessage>(false) {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
                http1Requests(ctx.pipeline()); // this handler is the last but one: they follow it
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            }
        });
    }

    /** The HTTP/1.1 request handlers, last before the last resort: keep-alive, gate, aggregator, handler. */
    private void http1Requests(ChannelPipeline p) {
        p.addBefore("last-resort", "keepalive", new HttpServerKeepAliveHandler());
        p.addBefore("last-resort", "gate", new RequestGate(config, publisher, metrics, state));
        p.addBefore("last-resort", "aggregate", new BodyAggregator(config, metrics));
        p.addBefore("last-resort", "ingest", new IngestHandler(publisher, ledger, metrics, state, blocking));
    }

    /** HTTP/2 negotiated by ALPN or spoken with prior knowledge: the frame codec and one child channel per stream. */
    private void http2Connection(Channel ch) {
        http2(ch);
        ch.pipeline().addBefore("last-resort", null, http2Codec());
        ch.pipeline().addBefore("last-resort", null, new Http2MultiplexHandler(streamInitializer()));
    }

    private ChannelInitializer<Channel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new RequestGate(config, publisher, metrics, state),
                        new BodyAggregator(config, metrics),
                        new IngestHandler(publisher, ledger, metrics, state, blocking));
            }
        };
    }

    /** The connection speaks HTTP/2 from now on: its clock stops timing HTTP/1.1 headers. */
    private static <T> T http2(Channel ch, T codec) {
        http2(ch);
        return codec;
    }

    private static void http2(Channel ch) {
        ConnectionClock clock = ConnectionClock.of(ch);
        if (clock != null) {
            clock.http2();
        }
    }

    private static Http2FrameCodec http2Codec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW).maxFrameSize(MAX_FRAME))
                .build();
    }
}
