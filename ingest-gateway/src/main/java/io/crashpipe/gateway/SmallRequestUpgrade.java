package io.crashpipe.gateway;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The cleartext {@code Upgrade: h2c} handshake, taken only for requests whose whole body fits in
 * {@link #MAX_BODY}. Netty's handler holds the upgrading request, body and all, before anything
 * else sees it, and answers a larger one 413 with an empty body: a Java client opens every new
 * connection with an upgrade attempt on whatever request comes first, so after a reconnect (a
 * gateway restarted, a connection reset) an agent's 1 MiB chunk was refused although the gate
 * would have taken it. A larger request stays HTTP/1.1 on that connection (a server may ignore
 * {@code Upgrade}, RFC 9110 section 7.8) and goes through the gate like any other.
 */
final class SmallRequestUpgrade extends HttpServerUpgradeHandler {
    /** What the upgrade may buffer before the gate has checked the request. */
    static final int MAX_BODY = 64 * 1024;

    SmallRequestUpgrade(SourceCodec source, UpgradeCodecFactory codecs) {
        super(source, codecs, MAX_BODY);
    }

    @Override
    protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
        long declared;
        try {
            declared = HttpUtil.getContentLength(req, 0L);
        } catch (NumberFormatException e) {
            return false; // the gate answers a malformed length
        }
        return declared <= MAX_BODY && !HttpUtil.isTransferEncodingChunked(req) && super.shouldHandleUpgradeRequest(req);
    }
}
