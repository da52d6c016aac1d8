package io.crashpipe.topology;

import io.crashpipe.metrics.KafkaMeters;
import io.crashpipe.metrics.StreamsMeters;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The analysis topology running as a Kafka Streams application, started and stopped as one unit. */
public final class DumpAnalysisApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DumpAnalysisApp.class);

    private final TopologyConfig config;
    private final KafkaStreams streams;
    private final KafkaChunkSource source;
    private final DumpTopology.Shared shared;
    private final KafkaMeters.Binding meters;

    private DumpAnalysisApp(TopologyConfig config, KafkaStreams streams, KafkaChunkSource source, DumpTopology.Shared shared) {
        this.config = config;
        this.streams = streams;
        this.source = source;
        this.shared = shared;
        this.meters = StreamsMeters.bind(streams);
    }

    /** Starts the application and returns once it is running (or throws after {@code timeout}). */
    public static DumpAnalysisApp start(TopologyConfig config, Duration timeout) throws IOException {
        EventSerde serde = new EventSerde(
                // an unreachable registry is waited for, never a reason to dead-letter an accepted event
                SchemaRegistryClient.waitingThroughOutages(config.registry()));
        KafkaChunkSource source = new KafkaChunkSource(config.bootstrapServers(), Topics.DUMP_PAGES.name(), serde,
                Map.of());
        DumpTopology.Shared shared = DumpTopology.Shared.of(config, serde, source);
        KafkaStreams streams = new KafkaStreams(DumpTopology.build(shared), config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it (its tasks resume from the last commit)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        DumpAnalysisApp app = new DumpAnalysisApp(config, streams, source, shared);
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                KafkaStreams.State s = streams.state();
                app.close();
                throw new IOException("the analysis topology (" + config.applicationId() + ") did not start within "
                        + timeout.toSeconds() + " s (state " + s + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                app.close();
                throw new IOException("interrupted while starting the topology", e);
            }
        }
        LOG.info("topology {} running, parser version {}", config.applicationId(), config.parserVersion());
        return app;
    }

    public TopologyConfig config() {
        return config;
    }

    /** Reports this instance has sent since it started. */
    public long reported() {
        return shared.reported().get();
    }

    /** Dumps a replay gave up because their pages are gone (see {@link TopologyConfig#replay()}). */
    public long skipped() {
        return shared.skipped().get();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Dumps this instance holds state for (in progress, or finished and inside their grace time):
     * what an operator watches to see that purging keeps the state small.
     */
    public long dumpsInState() {
        long n = 0;
        try (KeyValueIterator<String, byte[]> it = progressStore().all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /**
     * Dumps with metadata that are neither reported nor skipped: waiting for pages. At the end of a
     * replay these are the dumps whose events stop before their seal (the pages and the seal are
     * gone, or the upload never finished): the replay leaves their documents as they were.
     */
    public java.util.List<String> unfinishedDumps() {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = progressStore().all()) {
            it.forEachRemaining(kv -> {
                DumpProgress p = DumpProgress.decode(kv.value);
                if (p.hasMetadata() && !p.done()) {
                    out.add(kv.key);
                }
            });
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, byte[]> progressStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(DumpTopology.PROGRESS_STORE,
                QueryableStoreTypes.<String, byte[]>keyValueStore()));
    }

    @Override
    public void close() {
        meters.close();
        streams.close(Duration.ofSeconds(30));
        source.close();
    }
}
