package io.crashpipe.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The client end of an HTTP/2 connection, frame by frame, for a server on an {@link EmbeddedChannel}:
 * writes the frames a client would send as bytes into the server, and parses what the server wrote
 * back into {@link Frame}s. Tracks the connection's send window the way a client must.
 */
final class H2Wire {
    /** One frame from the server; fields not of its kind are empty. */
    record Frame(String type, int stream, String status, String data, int increment, boolean endStream) {}

    private final EmbeddedChannel server;
    private final EmbeddedChannel scratch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter());
    private final ChannelHandlerContext ctx = scratch.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
    private ByteBuf pending = Unpooled.EMPTY_BUFFER;
    final List<Frame> received = new ArrayList<>();
    /** What the client may still send on the connection (RFC 9113 section 6.9.2: 65,535 to start). */
    long connectionWindow = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    /** A new stream's send window: the server's SETTINGS_INITIAL_WINDOW_SIZE. */
    long initialStreamWindow = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    private final java.util.Map<Integer, Long> streamWindows = new java.util.HashMap<>();

    H2Wire(EmbeddedChannel server) {
        this.server = server;
    }

    /** The prior-knowledge preface and an empty SETTINGS frame. */
    void preface() {
        server.writeInbound(Http2CodecUtil.connectionPrefaceBuf());
        writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
        flush();
    }

    void headers(int stream, Http2Headers headers, boolean endStream) {
        writer.writeHeaders(ctx, stream, headers, 0, endStream, ctx.newPromise());
        flush();
    }

    /** A DATA frame of {@code bytes} zero bytes; the connection's and the stream's send windows must allow it. */
    void data(int stream, int bytes, boolean endStream) {
        long streamWindow = streamWindows.getOrDefault(stream, initialStreamWindow);
        if (bytes > connectionWindow || bytes > streamWindow) {
            throw new IllegalStateException("the server left send windows of " + connectionWindow + " bytes (connection) and "
                    + streamWindow + " (stream " + stream + "), " + bytes + " to send: stalled");
        }
        connectionWindow -= bytes;
        streamWindows.put(stream, streamWindow - bytes);
        writer.writeData(ctx, stream, Unpooled.wrappedBuffer(new byte[bytes]), 0, endStream, ctx.newPromise());
        flush();
    }

    void data(int stream, ByteBuf body, boolean endStream) {
        connectionWindow -= body.readableBytes();
        writer.writeData(ctx, stream, body, 0, endStream, ctx.newPromise());
        flush();
    }

    private void flush() {
        scratch.flush();
        for (Object o; (o = scratch.readOutbound()) != null; ) {
            server.writeInbound(o);
        }
        read();
    }

    /**
     * Runs the server's pending tasks and parses every byte it wrote so far. A stream's answer may wait
     * for the connection's next read-complete to be flushed (Netty batches them): flushed here.
     */
    List<Frame> read() {
        server.runPendingTasks();
        server.flushOutbound();
        for (Object o; (o = server.readOutbound()) != null; ) {
            pending = Unpooled.wrappedBuffer(pending, (ByteBuf) o);
        }
        try {
            while (pending.isReadable()) {
                int before = pending.readerIndex();
                reader.readFrame(ctx, pending, listener);
                if (pending.readerIndex() == before) {
                    break; // a frame not complete yet
                }
            }
        } catch (Http2Exception e) {
            throw new IllegalStateException("the server wrote a malformed frame", e);
        }
        return received;
    }

    private final Http2FrameAdapter listener = new Http2FrameAdapter() {
        @Override
        public int onDataRead(ChannelHandlerContext c, int stream, ByteBuf data, int padding, boolean end) {
            received.add(new Frame("DATA", stream, "", data.toString(StandardCharsets.UTF_8), 0, end));
            return data.readableBytes() + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers headers, int padding, boolean end) {
            received.add(new Frame("HEADERS", stream, String.valueOf(headers.status()), "", 0, end));
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers headers, int dep, short weight,
                boolean exclusive, int padding, boolean end) {
            onHeadersRead(c, stream, headers, padding, end);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int stream, long error) {
            received.add(new Frame("RST_STREAM", stream, "", "", (int) error, true));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext c, int last, long error, ByteBuf debug) {
            received.add(new Frame("GOAWAY", 0, "", debug.toString(StandardCharsets.UTF_8), (int) error, true));
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
            if (settings.initialWindowSize() != null) {
                initialStreamWindow = settings.initialWindowSize();
            }
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext c, int stream, int increment) {
            if (stream == 0) {
                connectionWindow += increment;
            } else {
                streamWindows.merge(stream, initialStreamWindow + increment, (w, ignored) -> w + increment);
            }
            received.add(new Frame("WINDOW_UPDATE", stream, "", "", increment, false));
        }
    };

    /** The status and body the server answered on {@code stream}, e.g. "413 {...}", or "" if none yet. */
    String answer(int stream) {
        read();
        StringBuilder sb = new StringBuilder();
        for (Frame f : received) {
            if (f.stream() == stream && f.type().equals("HEADERS")) {
                sb.append(f.status()).append(' ');
            } else if (f.stream() == stream && f.type().equals("DATA")) {
                sb.append(f.data());
            }
        }
        return sb.toString().strip();
    }

    /** Frames of a kind the server sent, e.g. every RST_STREAM and GOAWAY. */
    List<Frame> of(String type) {
        read();
        return received.stream().filter(f -> f.type().equals(type)).toList();
    }
}
