package io.crashpipe.sink.consume;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.RegistryException;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.results.CrashGroup;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.schemas.wire.WireFormatException;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.doc.CrashAlertDocument;
import io.crashpipe.sink.doc.CrashGroupDocument;
import io.crashpipe.sink.write.SinkDocument;
import java.io.IOException;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a consumed result record as the document it stands for. Tells a record that can never be
 * read (poison: dead-letter it) from a schema registry that cannot answer right now (the record
 * may be fine: read it again later), so a registry outage never empties a topic into dead letters.
 */
final class ResultDecoder {

    sealed interface Decoded {}

    record Document(SinkDocument document) implements Decoded {}

    /** Not a readable result event: wrong framing, a schema id the registry does not know, another type, bad values. */
    record Poison(String error) implements Decoded {}

    /** The registry was unreachable or failing; nothing is known to be wrong with the record. */
    record RetryLater(String reason) implements Decoded {}

    private final EventSerde serde;
    private final SinkIndices indices;
    private final Clock clock;

    ResultDecoder(EventSerde serde, SinkIndices indices, Clock clock) {
        this.serde = serde;
        this.indices = indices;
        this.clock = clock;
    }

    Decoded decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new Document(document(record.topic(), record.value()));
        } catch (RegistryException e) {
            // A 4xx is the registry's answer (e.g. 40403 schema not found), a 5xx is its trouble.
            return e.httpStatus() >= 500 ? new RetryLater(e.getMessage()) : new Poison(e.getMessage());
        } catch (IOException e) {
            return new RetryLater("schema registry not reachable: " + e);
        } catch (WireFormatException e) {
            return new Poison(e.getMessage());
        } catch (RuntimeException e) {
            // Values the documents refuse (a parser version that is not a version, a blank dump id, ...).
            return new Poison(e.toString());
        }
    }

    private SinkDocument document(String topic, byte[] value) throws IOException {
        if (topic.equals(Topics.CRASH_REPORTS.name())) {
            return ResultDocuments.crashReport(serde.deserialize(value, CrashReport.class), clock.instant())
                    .toSinkDocument(indices);
        }
        if (topic.equals(Topics.KERNEL_LOG.name())) {
            return ResultDocuments.logLine(serde.deserialize(value, KernelLogLine.class), clock.instant())
                    .toSinkDocument(indices);
        }
        if (topic.equals(Topics.CRASH_GROUPS.name())) {
            return CrashGroupDocument.of(serde.deserialize(value, CrashGroup.class), indices);
        }
        if (topic.equals(Topics.CRASH_ALERTS.name())) {
            return CrashAlertDocument.of(serde.deserialize(value, CrashAlert.class), indices);
        }
        throw new IllegalArgumentException("the index sink does not read topic " + topic);
    }
}
