package io.crashpipe.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a record in the dead-letters topic. Its key and value are the original record's,
 * byte for byte; the headers (UTF-8 text, numbers in decimal, so any Kafka tool shows them) say
 * where it came from, which stage gave up on it and why. Every stage that dead-letters writes
 * them through {@link #write}, so the topic reads the same whoever wrote it.
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
        /** The value is not a readable event (wire format, schema id, type, field values). */
        DECODE,
        /** The topology could not use a readable event (a corrupt chunk, an analysis that threw). */
        ANALYSE,
        /** Elasticsearch refused the document made from it as unacceptable (not as overloaded). */
        INDEX;

        public String headerValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private DeadLetterHeaders() {}

    /** Adds the headers naming {@code topic-partition@offset}, the stage and the error text. */
    public static void write(Headers h, String topic, int partition, long offset, Stage stage, String error) {
        h.add(SOURCE_TOPIC, utf8(topic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        h.add(STAGE, utf8(stage.headerValue()));
        h.add(ERROR, utf8(error));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
