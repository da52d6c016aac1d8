package io.crashpipe.topology.groups;

import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The groups aggregation as a Kafka Streams application of its own, started and stopped as one unit. */
public final class GroupsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupsApp.class);
    private final KafkaStreams streams;
    private final AtomicLong changes;

    private GroupsApp(KafkaStreams streams, AtomicLong changes) {
        this.streams = streams;
        this.changes = changes;
    }

    public static GroupsApp start(GroupsConfig config, Duration timeout) throws IOException {
        EventSerde serde = new EventSerde(
                // an unreachable registry is waited for, never a reason to dead-letter an accepted event
                SchemaRegistryClient.waitingThroughOutages(config.registry()));
        AtomicLong changes = new AtomicLong();
        KafkaStreams streams = new KafkaStreams(GroupTopology.build(serde, config.rules(), changes),
                config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("groups thread failed; replacing it (its tasks resume from the last commit)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        GroupsApp app = new GroupsApp(streams, changes);
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            KafkaStreams.State s = streams.state();
            if (System.nanoTime() > deadline || s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                app.close();
                throw new IOException("the groups aggregation (" + config.applicationId() + ") did not start within "
                        + timeout.toSeconds() + " s (state " + s + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                app.close();
                throw new IOException("interrupted while starting the groups aggregation", e);
            }
        }
        LOG.info("groups aggregation {} running ({})", config.applicationId(), config.rules());
        return app;
    }

    /** Group changes applied by this instance since it started. */
    public long changes() {
        return changes.get();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
