package io.crashpipe.localkafka;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One KRaft server of a {@link LocalKafkaCluster} (a controller or a broker), started from its
 * {@code server.properties} on an already formatted log directory, so it can be stopped and
 * started again on the same log and port.
 */
sealed interface KafkaNode permits InProcessNode, ChildJvmNode {

    /** Starts the server; returns once it runs (a broker may still wait for the controllers). */
    void start() throws IOException;

    /** A clean stop (a broker first hands its partitions over); returns once it is down. */
    void stop();

    /**
     * Ends the server at once, as a crash would: SIGKILL of its JVM. Only a node in a JVM of its
     * own can be killed.
     */
    void kill();

    boolean running();

    /** How the nodes of a cluster run. */
    enum Placement {
        /** In this JVM: cheapest, for the tests. */
        IN_PROCESS,
        /** Each in a JVM of its own, which can be killed with SIGKILL (failure tests, benchmarks). */
        CHILD_JVMS;

        KafkaNode node(String name, Path properties, Path work, String heap) {
            return this == IN_PROCESS ? new InProcessNode(properties) : new ChildJvmNode(name, properties, work, heap);
        }
    }
}
