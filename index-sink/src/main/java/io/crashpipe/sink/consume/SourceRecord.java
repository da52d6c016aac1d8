package io.crashpipe.sink.consume;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a consumed record came from, carried through the writer as its context: the offset to
 * acknowledge, and the original key and value, so that a dead letter holds exactly the bytes
 * that were consumed and can be replayed once whatever refused them is fixed. Never compared:
 * its arrays are the record's own.
 */
record SourceRecord(TopicPartition partition, long offset, byte[] key, byte[] value) {

    static SourceRecord of(ConsumerRecord<byte[], byte[]> r) {
        return new SourceRecord(new TopicPartition(r.topic(), r.partition()), r.offset(), r.key(), r.value());
    }

    /** What this record costs while it is in flight, counted against the sink's byte bound. */
    long size() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
