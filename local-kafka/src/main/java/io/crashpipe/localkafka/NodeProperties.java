package io.crashpipe.localkafka;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code server.properties} of one KRaft node on loopback, for each role it can play: a
 * combined broker and controller (the single node of {@code crashpipe up}), a controller only,
 * or a broker only (the nodes of {@link LocalKafkaCluster}). Settings are chosen for a small
 * shared machine: few threads, small buffers.
 *
 * @param replication of the internal topics (offsets, transactions) and the default for new
 *        topics; their {@code min.insync.replicas} is one less, at least 1, so one broker may be
 *        down while producers with acks=all go on and every acknowledged write is on two
 */
record NodeProperties(int nodeId, Path logDir, String voters, int replication) {

    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Broker and controller in one process: one node is the whole cluster. */
    Properties combined(int brokerPort, int controllerPort) {
        Properties p = common("broker,controller");
        p.setProperty("listeners", listener(BROKER_LISTENER, brokerPort) + "," + listener(CONTROLLER_LISTENER, controllerPort));
        brokerSide(p, brokerPort);
        return p;
    }

    /** A controller only: a voter of the metadata quorum, serving no client. */
    Properties controller(int controllerPort) {
        Properties p = common("controller");
        p.setProperty("listeners", listener(CONTROLLER_LISTENER, controllerPort));
        return p;
    }

    /** A broker only: holds partitions, talks to the controllers named in {@link #voters}. */
    Properties broker(int brokerPort) {
        Properties p = common("broker");
        p.setProperty("listeners", listener(BROKER_LISTENER, brokerPort));
        brokerSide(p, brokerPort);
        return p;
    }

    private Properties common(String roles) {
        Properties p = new Properties();
        p.setProperty("process.roles", roles);
        p.setProperty("node.id", String.valueOf(nodeId));
        p.setProperty("controller.quorum.voters", voters);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        // Small footprint on a 2-core shared machine.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    private void brokerSide(Properties p, int brokerPort) {
        String rf = String.valueOf(replication);
        String minIsr = String.valueOf(Math.max(1, replication - 1));
        p.setProperty("advertised.listeners", listener(BROKER_LISTENER, brokerPort));
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        // Every internal topic must accept the cluster's size (one node: replication 1), else
        // consumers and transactions silently wait for replicas that never come.
        p.setProperty("offsets.topic.replication.factor", rf);
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", rf);
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", rf);
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("default.replication.factor", rf);
        p.setProperty("min.insync.replicas", minIsr);
        p.setProperty("num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.setProperty("message.max.bytes", String.valueOf(4 * 1024 * 1024));
        p.setProperty("replica.fetch.max.bytes", String.valueOf(4 * 1024 * 1024));
        p.setProperty("auto.create.topics.enable", "false");
    }

    private static String listener(String name, int port) {
        return name + "://127.0.0.1:" + port;
    }
}
