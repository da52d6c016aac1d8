package io.crashpipe.sink.write;

/** How a record was settled. Every kind means: its source offset may be committed. */
public sealed interface Ack {
    SinkDocument document();

    /** Elasticsearch stored this version ({@code result} is {@code created} or {@code updated}). */
    record Written(SinkDocument document, String result) implements Ack {}

    /** A result of a newer (or the same-or-newer, for a concurrent writer) parser version is already there. */
    record Superseded(SinkDocument document) implements Ack {}

    /** Refused as poison and handed to the dead-letter handler, which stored it. */
    record DeadLettered(SinkDocument document, DeadLetter letter) implements Ack {}
}
