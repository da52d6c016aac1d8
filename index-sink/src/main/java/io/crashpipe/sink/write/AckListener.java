package io.crashpipe.sink.write;

/**
 * Told when each submitted record is settled, so a consumer commits its offsets only for
 * records Elasticsearch acknowledged. Called from the writer's threads, in completion order,
 * which need not be submission order.
 */
public interface AckListener<C> {
    void acknowledged(C context, Ack ack);

    /**
     * The record could not be written within the retry budget (Elasticsearch unreachable or
     * overloaded for that long) or its dead letter could not be stored. Do not commit it: a
     * restart must see it again.
     */
    void failed(C context, SinkDocument document, String reason);
}
