package io.crashpipe.sink.consume;

import java.util.Locale;

/**
 * The headers of a record in the dead-letters topic. Its key and value are the original record's,
 * byte for byte; the headers (UTF-8 text, numbers in decimal, so any Kafka tool shows them) say
 * where it came from and why the sink could not use it.
 */
public final class DeadLetterHeaders {
    public static final String SOURCE_TOPIC = "crashpipe.source.topic";
    public static final String SOURCE_PARTITION = "crashpipe.source.partition";
    public static final String SOURCE_OFFSET = "crashpipe.source.offset";
    /** One of {@link Stage}, lower case. */
    public static final String STAGE = "crashpipe.stage";
    /** What went wrong, as the decoder or Elasticsearch said it. */
    public static final String ERROR = "crashpipe.error";

    /** Where the record was given up on. */
    public enum Stage {
        /** The value is not a readable result event (wire format, schema id, type, field values). */
        DECODE,
        /** Elasticsearch refused the document made from it as unacceptable (not as overloaded). */
        INDEX;

        public String headerValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private DeadLetterHeaders() {}
}
