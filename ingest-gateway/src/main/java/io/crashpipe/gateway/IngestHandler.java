package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.PageChunk;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.apache.avro.specific.SpecificRecord;

/**
 * Handles a complete, admitted request: operational endpoints, or validate an event, publish
 * it, and answer only once Kafka acknowledged it.
 */
final class IngestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Publisher publisher;
    private final ChunkIndex index;
    private final Metrics metrics;
    private final GatewayState state;
    private final Executor blocking;

    IngestHandler(Publisher publisher, ChunkIndex index, Metrics metrics, GatewayState state, Executor blocking) {
        this.publisher = publisher;
        this.index = index;
        this.metrics = metrics;
        this.state = state;
        this.blocking = blocking;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = ctx.channel() instanceof Http2StreamChannel || HttpUtil.isKeepAlive(req);
        Route route = ctx.channel().attr(RequestGate.ROUTE).getAndSet(null);
        ByteBuffer body = ByteBuffer.allocate(req.content().readableBytes());
        req.content().readBytes(body);
        body.flip();
        switch (route) {
            case Route.Health h -> Replies.text(ctx, HttpResponseStatus.OK, "ok\n", "text/plain", keepAlive, metrics);
            case Route.Ready r -> {
                boolean ready = state.kafkaReachable() && !state.draining();
                Replies.text(ctx, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        ready ? "ready\n" : state.draining() ? "draining\n" : "kafka unreachable\n", "text/plain", keepAlive, metrics);
            }
            case Route.Metrics m -> Replies.text(ctx, HttpResponseStatus.OK, metrics.render(),
                    io.crashpipe.metrics.ServiceMetrics.CONTENT_TYPE, keepAlive, metrics);
            case Route.PresentChunks p -> CompletableFuture.supplyAsync(() -> index.present(p.dumpId()), blocking)
                    .whenComplete((seqs, err) -> ctx.executor().execute(() -> {
                        if (err != null) {
                            metrics.refused(Metrics.Refusal.KAFKA_UNAVAILABLE);
                            Replies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot read Kafka: " + err.getMessage(),
                                    keepAlive, "2", metrics);
                        } else {
                            Replies.json(ctx, HttpResponseStatus.OK, "{\"dumpId\":\"" + p.dumpId() + "\",\"present\":["
                                    + Arrays.stream(seqs).mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}",
                                    keepAlive, metrics);
                        }
                    }));
            case Route.PutMetadata m -> accept(ctx, keepAlive, m.dumpId(), Topics.DUMP_META.name(), null,
                    () -> EventValidator.metadata(m.dumpId(), body));
            case Route.PutChunk c -> accept(ctx, keepAlive, c.dumpId(), Topics.DUMP_PAGES.name(), c.sequence(),
                    () -> EventValidator.chunk(c.dumpId(), c.sequence(), body));
            case Route.Seal s -> accept(ctx, keepAlive, s.dumpId(), Topics.DUMP_PAGES.name(), null,
                    () -> EventValidator.sealed(s.dumpId(), body));
            case null -> Replies.error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "request was not routed", false, metrics);
        }
    }

    private interface Validation {
        SpecificRecord run() throws EventValidator.Invalid;
    }

    private void accept(ChannelHandlerContext ctx, boolean keepAlive, String dumpId, String topic, Integer seq, Validation v) {
        SpecificRecord event;
        try {
            event = v.run();
        } catch (EventValidator.Invalid e) {
            metrics.refused(Metrics.Refusal.INVALID_EVENT);
            Replies.error(ctx, HttpResponseStatus.BAD_REQUEST, "expected " + e.getMessage(), keepAlive, metrics);
            return;
        }
        long size = event instanceof PageChunk c ? c.getPayload().remaining() : 0;
        metrics.inFlightRequests().incrementAndGet();
        long started = System.nanoTime();
        publisher.publish(topic, dumpId, event, seq).whenComplete((ok, err) -> {
            metrics.inFlightRequests().decrementAndGet();
            if (err == null) {
                metrics.published(event.getSchema().getName(), size, java.time.Duration.ofNanos(System.nanoTime() - started));
                if (seq != null) {
                    index.acknowledged(dumpId, seq);
                }
            }
            ctx.executor().execute(() -> {
                if (err != null) {
                    metrics.refused(Metrics.Refusal.KAFKA_UNAVAILABLE);
                    Replies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "Kafka did not acknowledge: " + err.getMessage(),
                            keepAlive, "2", metrics);
                } else {
                    Replies.json(ctx, HttpResponseStatus.OK, "{\"acknowledged\":true}", keepAlive, metrics);
                }
            });
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
