package io.crashpipe.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The h2c upgrade, offered only on requests without a body. Java's HttpClient asks for the upgrade
 * on the first request of every new cleartext connection, whatever it carries: after a gateway
 * restart that is a 1 MiB chunk. Netty's upgrade handler buffers the whole upgrade request before
 * the gate could check its token and size, and answered such a chunk with an empty 413 once it
 * passed 64 KiB (the 413s of the crash storm). A body's request is now served as plain HTTP/1.1,
 * which RFC 9110 section 7.8 allows (a server may ignore {@code Upgrade}); the client upgrades on
 * its next body-less request. Body-less only (not "small"), so that nothing of a body is held
 * before the gate has checked its token and size.
 */
final class BodilessUpgrade extends HttpServerUpgradeHandler {
    /** A body-less upgrade request has nothing to buffer; a few KiB leave room for an empty chunked body. */
    static final int MAX_UPGRADE_BODY = 4096;

    private final Metrics metrics;

    BodilessUpgrade(SourceCodec source, UpgradeCodecFactory factory, Metrics metrics) {
        super(source, factory, MAX_UPGRADE_BODY);
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
        try {
            return super.shouldHandleUpgradeRequest(req) && HttpUtil.getContentLength(req, 0L) == 0
                    && !HttpUtil.isTransferEncodingChunked(req);
        } catch (NumberFormatException e) {
            return false; // a malformed Content-Length: the gate answers 400
        }
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        BodyAggregator.tooLarge(ctx, oversized, MAX_UPGRADE_BODY, "an h2c upgrade request", metrics);
    }
}
