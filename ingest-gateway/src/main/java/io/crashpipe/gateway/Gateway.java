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
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The ingest gateway: one port speaking HTTP/1.1, h2c (upgrade or prior knowledge) or, with
 * TLS configured, HTTP/2 and HTTP/1.1 by ALPN. Every HTTP/2 stream gets the same request
 * pipeline as an HTTP/1.1 connection ({@link ConnectionPipeline}).
 */
public final class Gateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
    private final GatewayConfig config;
    private final Publisher publisher;
    private final DumpLedger ledger;
    private final Metrics metrics = new Metrics();
    private final GatewayState state = new GatewayState();
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService blocking = Executors.newFixedThreadPool(2, daemon("gateway-blocking"));
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(daemon("gateway-kafka-probe"));
    private final Admin admin;
    private final io.crashpipe.metrics.KafkaMeters.Binding adminMeters;
    private final ConnectionPipeline pipeline;
    private Channel server;

    private Gateway(GatewayConfig config) throws IOException {
        this.config = config;
        EventTypes.trust();
        this.publisher = new Publisher(config);
        this.ledger = new DumpLedger(config.guards().ledgerBytes(), new KafkaHistory(config.kafkaBootstrap(),
                new EventSerde(new SchemaRegistryClient(config.registry()))));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
        this.adminMeters = io.crashpipe.metrics.KafkaMeters.bind(admin);
        this.pipeline = new ConnectionPipeline(config, publisher, ledger, metrics, state, blocking,
                config.tls().isPresent() ? sslContext(config.tls().get()) : null);
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
                            g.pipeline.install(ch);
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
        Duration drain = config.guards().drainTimeout();
        try {
            if (!Drain.await(state, metrics.inFlightRequests(), drain)) {
                LOG.warn("stopping with {} requests not yet acknowledged after the drain wait of {}",
                        metrics.inFlightRequests().get(), drain);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
