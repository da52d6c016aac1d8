package io.crashpipe.localkafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import kafka.server.KafkaRaftServer;

/**
 * The main class of a {@link ChildJvmNode}: runs one KRaft server from a properties file until
 * SIGTERM, or until its standard input (a pipe from the JVM that started it) reaches end of file:
 * however that JVM ends, even by SIGKILL, the node stops cleanly instead of living on.
 */
public final class KafkaNodeMain {
    private KafkaNodeMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: KafkaNodeMain SERVER_PROPERTIES");
            System.exit(2);
        }
        AtomicReference<KafkaRaftServer> server = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KafkaRaftServer s = server.get();
            if (s != null) {
                s.shutdown();
                s.awaitShutdown();
            }
        }, "kafka-node-stop"));
        // watched from the start: a broker's startup waits for the controllers, maybe forever
        Thread parent = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // nothing is ever sent: only the end of the pipe matters
                }
            } catch (IOException e) {
                // a broken pipe is the parent gone, too
            }
            System.exit(0);
        }, "kafka-node-parent-watch");
        parent.setDaemon(true);
        parent.start();
        server.set(InProcessNode.startServer(Path.of(args[0])));
    }
}
