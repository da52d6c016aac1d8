package io.crashpipe.localkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A real three-broker KRaft cluster: every acknowledged write survives one broker going away and
 * coming back, and the whole cluster stops cleanly within a bounded time (the last broker's
 * clean stop once waited five minutes for a quorum that was already gone).
 */
class LocalKafkaClusterIT {
    private static final int RECORDS_PER_PHASE = 100;

    @Test
    void threeBrokersInThisJvmKeepEveryAcknowledgedWriteThroughACleanStopAndRestart() throws Exception {
        assertTimeoutPreemptively(Duration.ofMinutes(8), () -> {
            try (LocalKafkaCluster cluster = LocalKafkaCluster.builder().brokers(3).controllers(3).start()) {
                createReplicatedTopic(cluster, "t");
                produceAcrossAnOutage(cluster, "t", () -> cluster.stopBroker(1));
                assertEquals(3 * RECORDS_PER_PHASE, consumeAll(cluster, "t"), "every acknowledged record, none twice");
                long t0 = System.nanoTime();
                cluster.close();
                assertFalse(System.nanoTime() - t0 > Duration.ofSeconds(60).toNanos(), "the cluster stopped within 60 s");
            }
        });
    }

    @Test
    void aBrokerInItsOwnJvmKilledWithSigkillLosesNoAcknowledgedWrite() throws Exception {
        assertTimeoutPreemptively(Duration.ofMinutes(8), () -> {
            try (LocalKafkaCluster cluster = LocalKafkaCluster.builder().brokers(3).controllers(1).childJvms("192m")
                    .directory(java.nio.file.Path.of("target", "cluster-it-" + System.currentTimeMillis())).start()) {
                createReplicatedTopic(cluster, "k");
                produceAcrossAnOutage(cluster, "k", () -> cluster.killBroker(2));
                assertEquals(3 * RECORDS_PER_PHASE, consumeAll(cluster, "k"), "every acknowledged record, none twice");
            }
        });
    }

    private static void createReplicatedTopic(LocalKafkaCluster cluster, String topic) throws Exception {
        try (Admin admin = cluster.admin()) {
            assertEquals(3, admin.describeCluster().nodes().get().size());
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get();
            // the brokers learn of a new topic from the controllers a moment after it is created
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    assertEquals(3, d.partitions().get(0).replicas().size());
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Writes a phase with every broker, one with broker {@code down} gone, one after it is back. */
    private static void produceAcrossAnOutage(LocalKafkaCluster cluster, String topic, Runnable outage) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        int down = -1;
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int phase = 0; phase < 3; phase++) {
                if (phase == 1) {
                    outage.run(); // two of three in sync: acks=all still succeeds
                    for (int i = 0; i < cluster.size(); i++) {
                        if (!cluster.brokerRunning(i)) {
                            down = i;
                        }
                    }
                } else if (phase == 2) {
                    cluster.restartBroker(down);
                }
                for (int i = phase * RECORDS_PER_PHASE; i < (phase + 1) * RECORDS_PER_PHASE; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
                }
            }
        }
    }

    private static long consumeAll(LocalKafkaCluster cluster, String topic) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long n = 0;
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (n < 3 * RECORDS_PER_PHASE && System.nanoTime() < deadline) {
                n += consumer.poll(Duration.ofMillis(500)).count();
            }
            // a moment more: a duplicate would arrive now
            n += consumer.poll(Duration.ofSeconds(1)).count();
        }
        return n;
    }
}
