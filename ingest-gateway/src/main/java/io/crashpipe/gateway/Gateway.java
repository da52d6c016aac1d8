package io.crashpipe.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AsciiString;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The ingest gateway: one port speaking HTTP/1.1, h2c (upgrade or prior knowledge) or, with
 * TLS configured, HTTP/2 and HTTP/1.1 by ALPN. Every HTTP/2 stream gets the same request
 * pipeline as an HTTP/1.1 connection: gate (headers only), aggregator, ingest handler.
 */
public final class Gateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
    private final GatewayConfig config;
    private final Publisher publisher;
    private final DumpLedger ledger;
    private final ConnectionCap cap;
    private final LastResort lastResort;
    private final Metrics metrics = new Metrics();
    private final GatewayState state = new GatewayState();
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService blocking = Executors.newFixedThreadPool(2, daemon("gateway-blocking"));
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(daemon("gateway-kafka-probe"));
    private final Admin admin;
    private final io.crashpipe.metrics.KafkaMeters.Binding adminMeters;
    private final SslContext ssl;
    private Channel server;

    private Gateway(GatewayConfig config) throws IOException {
        this.config = config;
        EventTypes.trust();
        this.publisher = new Publisher(config);
        this.ledger = new DumpLedger(config.guards().ledgerBytes(), new KafkaHistory(config.kafkaBootstrap(),
                new EventSerde(new SchemaRegistryClient(config.registry()))));
        this.cap = new ConnectionCap(config.guards().maxConnections(), metrics);
        this.lastResort = new LastResort(metrics);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
        this.adminMeters = io.crashpipe.metrics.KafkaMeters.bind(admin);
        this.ssl = config.tls().isPresent() ? sslContext(config.tls().get()) : null;
        metrics.inFlightBytes(publisher::inFlightBytes);
    }

    public static Gateway start(GatewayConfig config) throws IOException {
        Gateway g = new Gateway(config);
        try {
            g.publisher.warmUp();
            try {
                g.publisher.registerSchemas();
            } catch (IOException e) {
                // not fatal: an event whose schema is not registered yet is published off the event loop
                LOG.warn("schema registry {} did not answer at start: {}", config.registry(), e.toString());
            }
            g.probeKafka();
            g.probe.scheduleWithFixedDelay(g::probeKafka, 2, 2, TimeUnit.SECONDS);
            g.server = new ServerBootstrap().group(g.boss, g.workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            g.connection(ch);
                        }
                    })
                    .bind(config.bind()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            g.close();
            throw new IOException("gateway could not start on " + config.bind() + ": " + e.getMessage(), e);
        }
        return g;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public Metrics metrics() {
        return metrics;
    }

    private void probeKafka() {
        try {
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            state.kafkaReachable(true);
        } catch (Exception e) {
            state.kafkaReachable(false);
        }
    }

    private void connection(SocketChannel ch) {
        ch.pipeline().addLast("cap", cap);
        ch.pipeline().addLast("clock", new ConnectionClock(config.guards(), metrics, ssl == null));
        connectionProtocols(ch);
        ch.pipeline().addLast("last-resort", lastResort);
    }

    private void connectionProtocols(SocketChannel ch) {
        if (ssl != null) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        http2(ch);
                        ctx.pipeline().addBefore("last-resort", null, http2Codec());
                        ctx.pipeline().addBefore("last-resort", null, new Http2MultiplexHandler(streamInitializer()));
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
            return;
        }
        HttpServerCodec source = new HttpServerCodec();
        HttpServerUpgradeHandler upgrade = new SmallRequestUpgrade(source, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? http2(ch, new Http2ServerUpgradeCodec(http2Codec(), new Http2MultiplexHandler(streamInitializer())))
                        : null);
        ChannelInitializer<Channel> priorKnowledge = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                http2(c);
                c.pipeline().addBefore("last-resort", null, http2Codec());
                c.pipeline().addBefore("last-resort", null, new Http2MultiplexHandler(streamInitializer()));
            }
        };
        ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(source, upgrade, priorKnowledge));
        // Reached only by HTTP/1.1 without an upgrade: install the request pipeline then.
        ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpMessage>(false) {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
                ChannelPipeline p = ctx.pipeline();
                String self = ctx.name();
                p.addAfter(self, "keepalive", new HttpServerKeepAliveHandler());
                p.addAfter("keepalive", "gate", new RequestGate(config, publisher, metrics, state));
                p.addAfter("gate", "aggregate", new HttpObjectAggregator(config.maxMetadataBytes()));
                p.addAfter("aggregate", "ingest", new IngestHandler(publisher, ledger, metrics, state, blocking));
                p.remove(this);
                ctx.fireChannelRead(msg);
            }
        });
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

    private void http1Requests(ChannelPipeline p) {
        p.addBefore("last-resort", null, new HttpServerKeepAliveHandler());
        p.addBefore("last-resort", null, new RequestGate(config, publisher, metrics, state));
        p.addBefore("last-resort", null, new HttpObjectAggregator(config.maxMetadataBytes()));
        p.addBefore("last-resort", null, new IngestHandler(publisher, ledger, metrics, state, blocking));
    }

    private ChannelInitializer<Channel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new RequestGate(config, publisher, metrics, state),
                        new HttpObjectAggregator(config.maxMetadataBytes()),
                        new IngestHandler(publisher, ledger, metrics, state, blocking));
            }
        };
    }

    /**
     * HTTP/2's default flow-control window is 64 KiB per stream and per connection: an agent could
     * have only 64 KiB of chunk bodies on the wire before waiting a round trip for WINDOW_UPDATE,
     * which on a busy host held a whole upload to a few MB/s. A window of {@link #STREAM_WINDOW}
     * per stream (Netty gives the connection twice that) lets several 1 MiB chunks be in flight;
     * larger frames cut the per-frame work.
     */
    static final int STREAM_WINDOW = 4 << 20;
    static final int MAX_FRAME = 1 << 20;

    private static io.netty.handler.codec.http2.Http2FrameCodec http2Codec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(io.netty.handler.codec.http2.Http2Settings.defaultSettings()
                        .initialWindowSize(STREAM_WINDOW).maxFrameSize(MAX_FRAME))
                .build();
    }

    private static SslContext sslContext(GatewayConfig.Tls tls) throws IOException {
        SslContextBuilder b = SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
        if (tls.trustedClientCas().isPresent()) {
            b.trustManager(tls.trustedClientCas().get().toFile()).clientAuth(ClientAuth.REQUIRE);
        }
        return b.build();
    }

    /** Graceful stop: refuse new events, let in-flight ones be acknowledged and answered, then stop. */
    @Override
    public void close() {
        state.startDraining();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (metrics.inFlightRequests().get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        publisher.drain(Duration.ofSeconds(10));
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        probe.shutdownNow();
        blocking.shutdownNow();
        publisher.close();
        adminMeters.close();
        admin.close(Duration.ofSeconds(2));
    }

    /** Stops at once, as a crash would: nothing is drained (for tests of the agent's resume). */
    public void kill() {
        if (server != null) {
            server.close();
        }
        workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        probe.shutdownNow();
        blocking.shutdownNow();
        publisher.close();
        adminMeters.close();
        admin.close(Duration.ZERO);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
