package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import org.apache.avro.specific.SpecificRecord;

/** Where admitted events go: Kafka in the gateway ({@link Publisher}); the handlers see only this. */
interface EventPublisher {
    /** Whether the bytes not yet acknowledged reached the budget: new events are refused with 503. */
    boolean saturated();

    /** Whether {@link #publish} of this event can run without asking the schema registry (else: off the event loop). */
    boolean schemaRegistered(String topic, SpecificRecord event);

    /**
     * Sends the event keyed by dump id; completes once Kafka acknowledged it. {@code body} is the
     * request body the event was decoded from (Avro single-object encoding, nothing after the
     * record), so that it can be framed for Kafka without encoding the event again.
     */
    CompletableFuture<Void> publish(String topic, String dumpId, SpecificRecord event, ByteBuffer body, Integer sequence);
}
