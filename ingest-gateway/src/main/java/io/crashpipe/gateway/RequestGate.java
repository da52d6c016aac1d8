package io.crashpipe.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides from the request line and headers alone, before any body byte is buffered: known
 * route, bearer token, declared size within the limit, and room in the publish budget. A
 * refused request's body is discarded as it arrives.
 */
final class RequestGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
    static final AttributeKey<Route> ROUTE = AttributeKey.valueOf("crashpipe.route");

    private final GatewayConfig config;
    private final EventPublisher publisher;
    private final Metrics metrics;
    private final GatewayState state;
    private final long maxPending;
    private boolean discarding;

    RequestGate(GatewayConfig config, EventPublisher publisher, Metrics metrics, GatewayState state) {
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
        this.state = state;
        // Admitted events hold their body until acknowledged: at most about twice the publish budget.
        this.maxPending = config.maxPendingEvents();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            discarding = false;
            ConnectionClock clock = ConnectionClock.of(ctx.channel());
            if (clock != null) {
                clock.requestStarted(ctx.channel() instanceof Http2StreamChannel);
                if (msg instanceof LastHttpContent) {
                    clock.bodyDone();
                }
            }
            String refusal = null;
            HttpResponseStatus status = null;
            String retryAfter = null;
            Metrics.Refusal why = null;
            if (req.decoderResult().isFailure()) {
                malformed(ctx, msg, req.decoderResult().cause());
                return;
            }
            Optional<Route> route = Route.of(req.method(), req.uri());
            long declared;
            try {
                declared = HttpUtil.getContentLength(req, -1L);
            } catch (NumberFormatException e) {
                malformed(ctx, msg, e);
                return;
            }
            if (route.isEmpty()) {
                status = HttpResponseStatus.NOT_FOUND;
                why = Metrics.Refusal.NO_ROUTE;
                refusal = "no endpoint " + req.method() + " " + req.uri()
                        + " (expected PUT /v1/dumps/ID/metadata, PUT /v1/dumps/ID/chunks/SEQ, POST /v1/dumps/ID/seal,"
                        + " GET /v1/dumps/ID/chunks with ID 16-64 lowercase hex digits)";
            } else if (route.get().authenticated() && !authorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                status = HttpResponseStatus.UNAUTHORIZED;
                why = Metrics.Refusal.UNAUTHORIZED;
                refusal = "a valid bearer token is required (Authorization: Bearer TOKEN)";
            } else if (hasBody(route.get())) {
                long limit = route.get() instanceof Route.PutMetadata ? config.maxMetadataBytes() : config.maxChunkBytes();
                if (declared < 0) {
                    status = HttpResponseStatus.LENGTH_REQUIRED;
                    why = Metrics.Refusal.LENGTH_REQUIRED;
                    refusal = "a Content-Length header (bodies are limited to " + limit + " bytes)";
                } else if (declared > limit) {
                    status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                    why = Metrics.Refusal.TOO_LARGE;
                    refusal = "body of " + declared + " bytes exceeds the limit of " + limit + " bytes for this endpoint";
                } else if (state.draining() || publisher.saturated() || metrics.inFlightRequests().get() >= maxPending) {
                    status = HttpResponseStatus.SERVICE_UNAVAILABLE;
                    why = state.draining() ? Metrics.Refusal.DRAINING : Metrics.Refusal.SATURATED;
                    refusal = state.draining() ? "gateway is shutting down" : "gateway is saturated; retry later";
                    // draining: come back at once (to another gateway); saturated: when a slot is likely free
                    retryAfter = state.draining() ? "1" : Integer.toString(metrics.saturatedRetryAfter());
                }
            } else if (declared > 0 || HttpUtil.isTransferEncodingChunked(req)) {
                // A body nobody reads is still a body somebody buffers: refused before it arrives.
                status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                why = Metrics.Refusal.UNEXPECTED_BODY;
                refusal = "no body on " + req.method() + " " + route.get().getClass().getSimpleName()
                        + " (got Content-Length " + declared + ")";
            }
            if (status != null) {
                discarding = !(msg instanceof LastHttpContent);
                // An HTTP/1.1 body we will not read makes the connection unusable: close it.
                // A draining gateway closes HTTP/1.1 connections so that clients reconnect to another one.
                boolean keepAlive = ctx.channel() instanceof Http2StreamChannel
                        || (declared <= 0 && !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.isKeepAlive(req)
                                && !state.draining());
                ReferenceCountUtil.release(msg);
                metrics.refused(why);
                Replies.error(ctx, status, refusal, keepAlive, retryAfter, metrics);
                return;
            }
            ctx.channel().attr(ROUTE).set(route.get()); // "Expect: 100-continue" is answered by the aggregator
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpContent c && c.decoderResult().isFailure()) {
            malformed(ctx, msg, c.decoderResult().cause()); // a broken chunked encoding: the stream is lost
            return;
        }
        if (msg instanceof LastHttpContent) {
            ConnectionClock clock = ConnectionClock.of(ctx.channel());
            if (clock != null) {
                clock.bodyDone();
            }
        }
        if (msg instanceof HttpContent && discarding) {
            if (msg instanceof LastHttpContent) {
                discarding = false;
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        metrics.exception(cause);
        ctx.close();
    }

    /**
     * What the HTTP decoder could not parse (a line or headers too long, a bad Content-Length or
     * chunk size) is answered 400 and logged and counted; the connection cannot be trusted after it.
     */
    private void malformed(ChannelHandlerContext ctx, Object msg, Throwable cause) {
        ReferenceCountUtil.release(msg);
        if (cause instanceof io.netty.handler.codec.PrematureChannelClosureException || !ctx.channel().isActive()) {
            // the connection closed mid-request (a deadline, the cap, the client): counted where it was closed
            discarding = true;
            return;
        }
        boolean answered = discarding && !(msg instanceof HttpRequest);
        discarding = true;
        LOG.warn("connection {}: malformed request: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
        metrics.refused(Metrics.Refusal.MALFORMED);
        metrics.exception(cause == null ? new IllegalArgumentException("malformed request") : cause);
        if (answered) {
            ctx.close(); // the request was refused already; its broken body ends the connection
            return;
        }
        Replies.error(ctx, HttpResponseStatus.BAD_REQUEST, "a well-formed HTTP request (" + cause + ")", false, metrics);
    }

    private static boolean hasBody(Route r) {
        return r instanceof Route.PutMetadata || r instanceof Route.PutChunk || r instanceof Route.Seal;
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = GatewayConfig.sha256Hex(header.substring(7).strip()).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String h : config.tokenSha256()) {
            // constant-time compare, and no early exit, so timing says nothing about the hashes
            ok |= MessageDigest.isEqual(presented, h.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }
}
