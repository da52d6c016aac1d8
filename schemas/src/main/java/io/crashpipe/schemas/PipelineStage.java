package io.crashpipe.schemas;

import java.util.Optional;

/**
 * The stages a dump goes through from complete on its host to its report being searchable, in
 * the order they happen: the one list of them. The agent, the gateway (through the Kafka
 * timestamp of the metadata record it publishes), the topology and the sink stamp them; the
 * {@code CrashReport}'s {@code ReportTimings} carries them under {@link #avroField()}, the
 * crash-reports document under {@code crash.timings.}{@link #esField()}, and {@code crashpipe
 * pipeline} and {@code bench/pipeline-latency.sh} print them in this order with {@link #label()}.
 * {@code PipelineStageTest} checks the Avro record and the index template against this list.
 */
public enum PipelineStage {
    /** The capture tool renamed the dump into place (kdump-tools, RHEL), or its last write, for one written in place. */
    FILE_COMPLETE("fileComplete", "file_complete", "file complete (rename seen)"),
    /** The agent judged it complete: the rename plus a short grace with no write after it. */
    DETECTED("detected", "detected", "agent detected it"),
    /** The agent began sending its metadata (the hot pages follow). */
    FIRST_BYTE_SENT("firstByteSent", "first_byte_sent", "agent first byte sent"),
    /** The gateway validated the metadata and published it (the record's Kafka timestamp). */
    ACCEPTED("accepted", "accepted", "gateway accepted metadata"),
    /** The topology took the dump's first event. */
    FIRST_SEEN("firstSeen", "dump_appeared", "topology first saw it"),
    /** The first analysis pass began. */
    FIRST_PASS("firstPass", "first_pass", "first pass started"),
    /** The first report of the dump went out (every section settled on the pages there). */
    FIRST_REPORT("firstReport", "first_report", "report first produced"),
    /** A report with every section complete went out; absent while the report is partial. */
    REPORT_COMPLETE("reportComplete", "report_complete", "report complete"),
    /** The sink wrote the report to Elasticsearch. */
    INDEXED(null, "indexed", "sink indexed"),
    /** The sink's refresh of the crash-reports index after the write returned: a search finds it from then on. */
    SEARCHABLE(null, "searchable", "searchable (refresh)");

    private final String avroField;
    private final String esField;
    private final String label;

    PipelineStage(String avroField, String esField, String label) {
        this.avroField = avroField;
        this.esField = esField;
        this.label = label;
    }

    /** The field of {@code ReportTimings} holding it; empty for the sink's own stages (after the report). */
    public Optional<String> avroField() {
        return Optional.ofNullable(avroField);
    }

    /** The date field under {@code crash.timings} in the crash-reports index. */
    public String esField() {
        return esField;
    }

    /** How people read it (CLI, bench). */
    public String label() {
        return label;
    }
}
