package io.crashpipe.gateway;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Caps open connections: one over the cap is closed as soon as it is accepted, before a byte of it
 * is read (a client sees a reset and retries later). Shared by every connection of a gateway.
 */
@ChannelHandler.Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {
    private final int max;
    private final Metrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionCap(int max, Metrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            metrics.refused(Metrics.Refusal.TOO_MANY_CONNECTIONS);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    int open() {
        return open.get();
    }
}
