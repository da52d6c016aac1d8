package io.crashpipe.gateway;

import java.util.concurrent.CompletableFuture;

import org.apache.avro.specific.SpecificRecord;

/** Where admitted events go: Kafka in the gateway ({@link Publisher}); the handlers see only this. */
interface EventPublisher {
    /** Whether the bytes not yet acknowledged reached the budget: new events are refused with 503. */
    boolean saturated();

    /** Whether {@link #publish} of this event can run without asking the schema registry (else: off the event loop). */
    boolean schemaRegistered(String topic, SpecificRecord event);

    /** Sends the event keyed by dump id; completes once Kafka acknowledged it. */
    CompletableFuture<Void> publish(String topic, String dumpId, SpecificRecord event, Integer sequence);
}
