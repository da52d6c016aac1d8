package io.crashpipe.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.crashpipe.localkafka.LocalKafka;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import org.apache.kafka.clients.admin.Admin;

/** What the gateway's integration tests publish to: a real KRaft broker with the ingest topics, and the embedded registry. */
final class IngestKafka implements AutoCloseable {
    final LocalKafka kafka;
    final EmbeddedRegistry registry;

    private IngestKafka(LocalKafka kafka, EmbeddedRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    static IngestKafka start() throws IOException {
        LocalKafka kafka = LocalKafka.startTemporary();
        try {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.INGEST, (short) 1);
            }
            return new IngestKafka(kafka, EmbeddedRegistry.start(kafka.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0)));
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
