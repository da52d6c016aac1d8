package io.crashpipe.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every connection's pipeline: an exception nobody handled is logged and counted, then the
 * connection closed (never dropped silently); a message nobody consumed is released.
 */
@ChannelHandler.Sharable
final class LastResort extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LastResort.class);
    private final Metrics metrics;

    LastResort(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        metrics.exception(cause);
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
