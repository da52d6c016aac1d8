package io.crashpipe.schemas.registry;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.crashpipe.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The {@code _schemas} topic as the registry needs it: written with acks=all, so it must have at
 * least {@code min.insync.replicas} replicas or every registration fails. Created missing with the
 * requested replication (capped at the brokers there are) and a min ISR it can meet; an existing
 * topic that can never take a write is refused at start, naming both numbers.
 */
final class SchemasTopic {
    private SchemasTopic() {}

    static void ensure(Admin admin, short requested) throws IOException {
        String name = Topics.SCHEMAS.name();
        try {
            if (!admin.listTopics().names().get().contains(name)) {
                int brokers = admin.describeCluster().nodes().get().size();
                short rf = (short) Math.max(1, Math.min(requested, brokers));
                Map<String, String> config = new HashMap<>(Topics.SCHEMAS.config());
                config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minIsrFor(rf)));
                try {
                    admin.createTopics(List.of(new NewTopic(name, Topics.SCHEMAS.partitions(), rf).configs(config))).all().get();
                    return; // made here with a min ISR its replicas meet (and too fresh to describe at once)
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            checkWritable(admin, name);
        } catch (ExecutionException e) {
            throw new IOException("preparing " + name + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing " + name, e);
        }
    }

    /**
     * An existing topic: enough replicas for its min ISR, else no write could ever be acknowledged.
     * A topic created a moment ago may not be described yet: asked again for up to 15 s.
     */
    private static void checkWritable(Admin admin, String name) throws IOException, ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(Set.of(name)).allTopicNames().get().get(name);
                int replicas = d.partitions().get(0).replicas().size();
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
                Config c = admin.describeConfigs(Set.of(res)).all().get().get(res);
                int minIsr = Integer.parseInt(c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
                if (replicas < minIsr) {
                    throw new IOException(name + " has " + replicas + " replica(s) but min.insync.replicas=" + minIsr
                            + ": no registration could be acknowledged; recreate it with at least " + minIsr
                            + " replicas (or lower its min.insync.replicas)");
                }
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Two in-sync copies where there are at least two, so one broker may be down. */
    static int minIsrFor(short replication) {
        return Math.min(replication, 2);
    }
}
