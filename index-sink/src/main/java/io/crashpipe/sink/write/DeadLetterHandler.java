package io.crashpipe.sink.write;

/**
 * Where poison records go (the Kafka dead-letter topic in the pipeline). Returning normally means
 * the letter is durably stored: only then is the record acknowledged. Throwing leaves the record
 * unacknowledged, reported through {@link AckListener#failed}.
 */
@FunctionalInterface
public interface DeadLetterHandler<C> {
    void deadLetter(C context, DeadLetter letter) throws Exception;
}
