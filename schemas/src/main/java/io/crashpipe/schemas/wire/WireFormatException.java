package io.crashpipe.schemas.wire;

/** A message that is not a valid Confluent-framed Avro event. */
public final class WireFormatException extends RuntimeException {
    public WireFormatException(String expected) {
        super("not a valid event: expected " + expected);
    }

    public WireFormatException(String expected, Throwable cause) {
        super("not a valid event: expected " + expected + " (" + cause.getMessage() + ")", cause);
    }
}
