package io.crashpipe.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Collects an admitted request's body. Its limit is the largest the gate admits on any route, so
 * that it never refuses what the gate let through (a chunk limit above the metadata limit used to
 * meet an aggregator sized for metadata); should a body still outgrow it (one that arrives longer
 * than it was declared), the 413 says which limit and what size, like every other refusal,
 * instead of Netty's empty one.
 */
final class BodyAggregator extends HttpObjectAggregator {
    private final Metrics metrics;

    BodyAggregator(GatewayConfig config, Metrics metrics) {
        super(largestBody(config));
        this.metrics = metrics;
    }

    static int largestBody(GatewayConfig config) {
        return Math.max(config.maxChunkBytes(), config.maxMetadataBytes());
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        tooLarge(ctx, oversized, maxContentLength(), "any request", metrics);
    }

    /**
     * Answers 413 with what was refused: the declared size (or "more than the limit" when the body
     * came without one) and the limit. The rest of an HTTP/1.1 body is never read, so that connection
     * closes; an HTTP/2 stream ends on its own and its connection carries on. (The aggregator
     * releases the message itself.)
     */
    static void tooLarge(ChannelHandlerContext ctx, HttpMessage oversized, long limit, String scope, Metrics metrics) {
        long declared;
        try {
            declared = HttpUtil.getContentLength(oversized, -1L);
        } catch (NumberFormatException e) {
            declared = -1;
        }
        metrics.refused(Metrics.Refusal.TOO_LARGE);
        String size = declared >= 0 ? declared + " bytes" : "more than " + limit + " bytes";
        Replies.error(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "a body of at most " + limit + " bytes for " + scope + ", got " + size, ctx.channel() instanceof Http2StreamChannel,
                metrics);
    }
}
