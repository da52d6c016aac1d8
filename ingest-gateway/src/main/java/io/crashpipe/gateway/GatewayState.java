package io.crashpipe.gateway;

/** Liveness facts shared by the handlers: whether Kafka answers and whether we are draining. */
final class GatewayState {
    private volatile boolean kafkaReachable;
    private volatile boolean draining;

    boolean kafkaReachable() {
        return kafkaReachable;
    }

    void kafkaReachable(boolean v) {
        kafkaReachable = v;
    }

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
