package io.crashpipe.schemas;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics if they are missing; existing topics are left as they are. */
public final class TopicAdmin {
    private TopicAdmin() {}

    public static void ensure(Admin admin, Collection<Topics.TopicSpec> specs, short replication) throws IOException {
        ensure(admin, specs, replication, Topics.INGEST_PARTITIONS);
    }

    /**
     * With the keyed topics at {@code partitions} partitions. On three or more replicas a write
     * needs all but one in sync ({@code min.insync.replicas} = replication - 1, so one broker may
     * be down without stopping producers using acks=all, and an acknowledged write is on two).
     */
    public static void ensure(Admin admin, Collection<Topics.TopicSpec> specs, short replication, int partitions)
            throws IOException {
        specs = Topics.scaled(List.copyOf(specs), partitions);
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicSpec t : specs) {
                if (!existing.contains(t.name())) {
                    Map<String, String> config = new HashMap<>(t.config());
                    if (replication >= 3) {
                        config.putIfAbsent("min.insync.replicas", String.valueOf(replication - 1));
                    }
                    missing.add(new NewTopic(t.name(), t.partitions(), replication).configs(config));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IOException("creating Kafka topics failed: " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topics", e);
        }
    }
}
