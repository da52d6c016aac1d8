package io.crashpipe.localkafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/** A KRaft server in this JVM. */
final class InProcessNode implements KafkaNode {
    private final Path properties;
    private volatile KafkaRaftServer server;

    InProcessNode(Path properties) {
        this.properties = properties;
    }

    static KafkaRaftServer startServer(Path properties) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(p), Time.SYSTEM);
        s.startup();
        return s;
    }

    /** Not synchronized: a server's startup can block until the controllers have a quorum. */
    @Override
    public void start() throws IOException {
        server = startServer(properties);
    }

    @Override
    public void stop() {
        KafkaRaftServer s = server;
        server = null;
        if (s != null) {
            s.shutdown();
            s.awaitShutdown();
        }
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("a node in this JVM cannot be killed; start the cluster with child JVMs");
    }

    @Override
    public boolean running() {
        return server != null;
    }
}
