package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a complete, admitted request: operational endpoints, or validate an event, check it
 * against its dump, publish it, and answer only once Kafka acknowledged it. Whatever blocks
 * (reading a dump's history from Kafka, a schema the registry must still register) runs on the
 * blocking pool, never on the event loop.
 */
final class IngestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);

    private final EventPublisher publisher;
    private final DumpLedger ledger;
    private final Metrics metrics;
    private final GatewayState state;
    private final Executor blocking;

    IngestHandler(EventPublisher publisher, DumpLedger ledger, Metrics metrics, GatewayState state, Executor blocking) {
        this.publisher = publisher;
        this.ledger = ledger;
        this.metrics = metrics;
        this.state = state;
        this.blocking = blocking;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        // While draining, HTTP/1.1 answers close their connection: the client's next request goes to another gateway.
        boolean keepAlive = ctx.channel() instanceof Http2StreamChannel || (HttpUtil.isKeepAlive(req) && !state.draining());
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
            case Route.PresentChunks p -> offLoop(ctx, keepAlive, () -> ledger.present(p.dumpId(), p.since()), seqs ->
                    Replies.json(ctx, HttpResponseStatus.OK, "{\"dumpId\":\"" + p.dumpId() + "\",\"present\":["
                            + Arrays.stream(seqs).mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}",
                            keepAlive, metrics), () -> { });
            case Route.PutMetadata m -> accept(ctx, keepAlive, m.dumpId(), Topics.DUMP_META.name(), null, body,
                    () -> EventValidator.metadata(m.dumpId(), body));
            case Route.PutChunk c -> accept(ctx, keepAlive, c.dumpId(), Topics.DUMP_PAGES.name(), c.sequence(), body,
                    () -> EventValidator.chunk(c.dumpId(), c.sequence(), body));
            case Route.Seal s -> accept(ctx, keepAlive, s.dumpId(), Topics.DUMP_PAGES.name(), null, body,
                    () -> EventValidator.sealed(s.dumpId(), body));
            case null -> Replies.error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "request was not routed", false, metrics);
        }
    }

    private interface Validation {
        SpecificRecord run() throws EventValidator.Invalid;
    }

    private interface Blocking<T> {
        T run() throws Exception;
    }

    private interface Then<T> {
        void accept(T value);
    }

    /** Runs {@code work} on the blocking pool and {@code then} back on the event loop; 503 if Kafka cannot be read. */
    private <T> void offLoop(ChannelHandlerContext ctx, boolean keepAlive, Blocking<T> work, Then<T> then, Runnable onFailure) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    f.complete(work.run());
                } catch (Exception | Error e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(e);
        }
        f.whenComplete((v, err) -> ctx.executor().execute(() -> {
            if (err != null) {
                onFailure.run();
                LOG.warn("cannot read Kafka for {}: {}", ctx.channel().remoteAddress(), err.toString());
                metrics.refused(Metrics.Refusal.KAFKA_UNAVAILABLE);
                Replies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot read Kafka: " + err.getMessage(),
                        keepAlive, "2", metrics);
            } else {
                then.accept(v);
            }
        }));
    }

    private void accept(ChannelHandlerContext ctx, boolean keepAlive, String dumpId, String topic, Integer seq, ByteBuffer body,
            Validation v) {
        SpecificRecord event;
        try {
            event = v.run();
        } catch (EventValidator.Invalid e) {
            metrics.refused(Metrics.Refusal.INVALID_EVENT);
            Replies.error(ctx, HttpResponseStatus.BAD_REQUEST, "expected " + e.getMessage(), keepAlive, metrics);
            return;
        }
        metrics.inFlightRequests().incrementAndGet();
        if (!(event instanceof DumpMetadata) && !ledger.knows(dumpId)) {
            offLoop(ctx, keepAlive, () -> {
                ledger.readHistory(dumpId);
                return true;
            }, ok -> judge(ctx, keepAlive, dumpId, topic, seq, event, body), () -> metrics.inFlightRequests().decrementAndGet());
            return;
        }
        judge(ctx, keepAlive, dumpId, topic, seq, event, body);
    }

    private void judge(ChannelHandlerContext ctx, boolean keepAlive, String dumpId, String topic, Integer seq,
            SpecificRecord event, ByteBuffer body) {
        int digest = switch (event) {
            case PageChunk c -> ContentDigest.of(c);
            case DumpSealed s -> ContentDigest.of(s);
            default -> 0;
        };
        DumpLedger.Verdict verdict = switch (event) {
            case DumpMetadata m -> ledger.metadata(dumpId, m);
            case PageChunk c -> ledger.chunk(dumpId, c, digest);
            case DumpSealed s -> ledger.seal(dumpId, s, digest);
            default -> new DumpLedger.Verdict.Refuse(400, "an ingest event, got " + event.getSchema().getName());
        };
        switch (verdict) {
            case DumpLedger.Verdict.Refuse r -> {
                metrics.inFlightRequests().decrementAndGet();
                metrics.refused(r.status() == 409 ? Metrics.Refusal.CONFLICT : Metrics.Refusal.INVALID_EVENT);
                Replies.error(ctx, HttpResponseStatus.valueOf(r.status()), "expected " + r.expected(), keepAlive, metrics);
            }
            case DumpLedger.Verdict.Duplicate d -> {
                metrics.inFlightRequests().decrementAndGet();
                Replies.json(ctx, HttpResponseStatus.OK, "{\"acknowledged\":true,\"duplicate\":true}", keepAlive, metrics);
            }
            case DumpLedger.Verdict.Accept a -> publish(ctx, keepAlive, dumpId, topic, seq, event, body, digest);
        }
    }

    private void publish(ChannelHandlerContext ctx, boolean keepAlive, String dumpId, String topic, Integer seq,
            SpecificRecord event, ByteBuffer body, int digest) {
        long size = event instanceof PageChunk c ? c.getPayload().remaining() : 0;
        boolean ledgered = !(event instanceof DumpMetadata);
        long started = System.nanoTime();
        Runnable send = () -> sending(topic, dumpId, event, body, seq).whenComplete((ok, err) -> {
            metrics.inFlightRequests().decrementAndGet();
            if (err == null) {
                metrics.published(event.getSchema().getName(), size, java.time.Duration.ofNanos(System.nanoTime() - started));
                if (ledgered) {
                    ledger.acknowledged(dumpId, seq, digest);
                }
            } else if (ledgered) {
                ledger.failed(dumpId, seq, digest);
            }
            ctx.executor().execute(() -> {
                // a drain that began while Kafka was acknowledging still sends this HTTP/1.1 client elsewhere
                boolean keep = keepAlive && (ctx.channel() instanceof Http2StreamChannel || !state.draining());
                if (err != null) {
                    metrics.refused(Metrics.Refusal.KAFKA_UNAVAILABLE);
                    Replies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "not published: " + err.getMessage(),
                            keep, "2", metrics);
                } else {
                    Replies.json(ctx, HttpResponseStatus.OK, "{\"acknowledged\":true}", keep, metrics);
                }
            });
        });
        if (publisher.schemaRegistered(topic, event)) {
            send.run();
            return;
        }
        try {
            blocking.execute(send); // the registry must be asked first: not on the event loop
        } catch (RejectedExecutionException e) {
            metrics.inFlightRequests().decrementAndGet();
            if (ledgered) {
                ledger.failed(dumpId, seq, digest);
            }
            Replies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "gateway is shutting down", keepAlive, "2", metrics);
        }
    }

    /** The publisher's future; one that throws instead (a closed producer, a bug) is logged, counted and answered 503. */
    private java.util.concurrent.CompletableFuture<Void> sending(String topic, String dumpId, SpecificRecord event, ByteBuffer body,
            Integer seq) {
        try {
            return publisher.publish(topic, dumpId, event, body, seq);
        } catch (RuntimeException e) {
            LOG.warn("publishing {} of dump {} failed: {}", event.getSchema().getName(), dumpId, e.toString(), e);
            metrics.exception(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("connection {}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        metrics.exception(cause);
        ctx.close();
    }
}
