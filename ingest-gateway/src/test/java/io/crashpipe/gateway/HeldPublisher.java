package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.avro.specific.SpecificRecord;

/** A publisher that holds every event until the test acknowledges it, and notes which thread sent it. */
final class HeldPublisher implements EventPublisher {
    record Sent(String dumpId, SpecificRecord event, ByteBuffer body, Thread thread, CompletableFuture<Void> ack) {}

    volatile boolean saturated;
    volatile boolean schemasRegistered = true;
    volatile RuntimeException failWith;
    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public boolean saturated() {
        return saturated;
    }

    @Override
    public boolean schemaRegistered(String topic, SpecificRecord event) {
        return schemasRegistered;
    }

    @Override
    public CompletableFuture<Void> publish(String topic, String dumpId, SpecificRecord event, ByteBuffer body, Integer sequence) {
        if (failWith != null) {
            throw failWith;
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        sent.add(new Sent(dumpId, event, body, Thread.currentThread(), ack));
        return ack;
    }

    void acknowledgeAll() {
        sent.forEach(s -> s.ack().complete(null));
    }
}
