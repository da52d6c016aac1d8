package io.crashpipe.gateway;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Writing a complete response; errors carry a one-line JSON body that says what was expected. */
final class Replies {
    private Replies() {}

    static void json(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive, Metrics metrics) {
        send(ctx, status, json, "application/json", keepAlive, null, metrics);
    }

    static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String text, String type, boolean keepAlive, Metrics metrics) {
        send(ctx, status, text, type, keepAlive, null, metrics);
    }

    static void error(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean keepAlive, Metrics metrics) {
        error(ctx, status, message, keepAlive, null, metrics);
    }

    static void error(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean keepAlive,
            String retryAfter, Metrics metrics) {
        String body = "{\"error\":" + quote(message) + "}";
        send(ctx, status, body, "application/json", keepAlive, retryAfter, metrics);
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String type,
            boolean keepAlive, String retryAfter, Metrics metrics) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (retryAfter != null) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setKeepAlive(r, true);
        }
        metrics.response(status.code());
        ConnectionClock clock = ConnectionClock.of(ctx.channel());
        if (clock != null) {
            clock.answered();
        }
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
