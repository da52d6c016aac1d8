package io.crashpipe.gateway;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;

/**
 * Closes slow and idle connections. First in a connection's pipeline, it sees every byte in and
 * out; the request gate tells it where requests begin and end. Three deadlines:
 * <ul>
 *   <li>header: an HTTP/1.1 request's line and headers must be complete within the header timeout
 *       of its first byte (a slow-loris client trickling header bytes is cut off);</li>
 *   <li>read: while a request body is arriving, a byte at least every read timeout;</li>
 *   <li>idle: with no request in progress, some traffic at least every idle timeout;</li>
 *   <li>write: a client that stops reading its responses (the socket stays unwritable) is closed
 *       after the read timeout, and its connection is not read meanwhile, so unread responses to
 *       pipelined requests cannot pile up.</li>
 * </ul>
 * All state is touched on the connection's event loop only (HTTP/2 streams share it).
 */
final class ConnectionClock extends ChannelDuplexHandler {
    private static final AttributeKey<ConnectionClock> KEY = AttributeKey.valueOf("crashpipe.clock");

    private final GatewayConfig.Guards guards;
    private final Metrics metrics;
    private boolean headersTimed;
    private ScheduledFuture<?> tick;
    private long lastTraffic;
    private long headerStarted; // 0: no request line pending
    private int bodiesArriving;
    private int requestsOpen;
    private long unwritableSince; // 0: writable

    /** @param headersTimed false on a TLS or HTTP/2 connection, where bytes do not map to one request's headers */
    ConnectionClock(GatewayConfig.Guards guards, Metrics metrics, boolean headersTimed) {
        this.guards = guards;
        this.metrics = metrics;
        this.headersTimed = headersTimed;
    }

    /** The clock of the connection {@code ch} belongs to (its parent for an HTTP/2 stream), or null. */
    static ConnectionClock of(Channel ch) {
        Channel conn = ch instanceof Http2StreamChannel s ? s.parent() : ch;
        return conn.attr(KEY).get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(KEY).set(this);
        lastTraffic = System.nanoTime();
        long shortest = Math.min(guards.headerTimeout().toMillis(), Math.min(guards.readTimeout().toMillis(),
                guards.idleTimeout().toMillis()));
        long every = Math.max(50, Math.min(1000, shortest / 4));
        tick = ctx.executor().scheduleAtFixedRate(() -> check(ctx), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (tick != null) {
            tick.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handlerRemoved(ctx);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastTraffic = System.nanoTime();
        if (headersTimed && headerStarted == 0 && bodiesArriving == 0) {
            headerStarted = lastTraffic;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        lastTraffic = System.nanoTime();
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        boolean writable = ctx.channel().isWritable();
        unwritableSince = writable ? 0 : System.nanoTime();
        ctx.channel().config().setAutoRead(writable);
        super.channelWritabilityChanged(ctx);
    }

    /**
     * TLS chose HTTP/1.1: from the next byte on, request headers are timed (else a slow-loris client
     * trickling header bytes over TLS would only ever meet the idle deadline, which each byte resets).
     */
    void http1() {
        headersTimed = true;
    }

    /** The connection now speaks HTTP/2 (prior knowledge or upgrade): its bytes are frames, not one request's headers. */
    void http2() {
        headersTimed = false;
        headerStarted = 0;
    }

    /** A request's headers are complete; its body (if any) follows. On HTTP/2, headers are not timed from then on. */
    void requestStarted(boolean http2) {
        headersTimed &= !http2;
        headerStarted = 0;
        bodiesArriving++;
        requestsOpen++;
    }

    /** The request's last body byte arrived (or it was refused and its body discarded). */
    void bodyDone() {
        bodiesArriving = Math.max(0, bodiesArriving - 1);
    }

    /** The request was answered. */
    void answered() {
        requestsOpen = Math.max(0, requestsOpen - 1);
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        Metrics.Timeout fired = null;
        if (headerStarted != 0 && now - headerStarted > guards.headerTimeout().toNanos()) {
            fired = Metrics.Timeout.HEADER;
        } else if (bodiesArriving > 0 && now - lastTraffic > guards.readTimeout().toNanos()) {
            fired = Metrics.Timeout.READ;
        } else if (unwritableSince != 0 && now - unwritableSince > guards.readTimeout().toNanos()) {
            fired = Metrics.Timeout.WRITE;
        } else if (requestsOpen == 0 && now - lastTraffic > guards.idleTimeout().toNanos()) {
            fired = Metrics.Timeout.IDLE;
        }
        if (fired != null) {
            metrics.timedOut(fired);
            tick.cancel(false);
            ctx.close();
        }
    }
}
