package io.crashpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the ingest gateway on loopback, for {@link AotTraining}'s upload: it reads every
 * request whole and acknowledges it, and says Kafka has none of the dump's chunks. Nothing is kept.
 * The JDK's own HTTP server, so that training the agent's cache loads no gateway (Netty, Kafka)
 * classes into it: a JDK 24+ cache loads every class it holds at each start.
 */
final class TrainingGateway implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(4);

    private TrainingGateway(HttpServer server) {
        this.server = server;
    }

    static TrainingGateway start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TrainingGateway g = new TrainingGateway(s);
        s.createContext("/", g::answer);
        s.setExecutor(g.workers);
        s.start();
        return g;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void answer(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String path = x.getRequestURI().getPath();
        String body = x.getRequestMethod().equals("GET") && path.endsWith("/chunks") ? "{\"present\":[]}"
                : path.equals("/healthz") ? "ok\n" : "{\"acknowledged\":true}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
