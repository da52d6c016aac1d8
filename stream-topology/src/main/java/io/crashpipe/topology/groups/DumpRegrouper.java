package io.crashpipe.topology.groups;

import io.crashpipe.schemas.registry.RegistryException;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.state.GroupedDump;
import io.crashpipe.schemas.wire.EventSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of the groups aggregation, keyed by dump id: remembers under which signature each
 * dump is counted and turns every report into changes of groups, so that a dump counts once,
 * under its newest report. A report of an older parser than the one counted is ignored; the same
 * signature again becomes a leave and a rejoin of that group (no alert; host and release tallies
 * stay exact if the newer parser reads them differently); another signature moves the dump.
 */
final class DumpRegrouper implements Processor<String, byte[], String, GroupedDump> {
    private static final Logger LOG = LoggerFactory.getLogger(DumpRegrouper.class);
    /** Stored for a dump whose newest report has no signature: keeps its parser version. */
    private static final String UNGROUPED = "";

    private final EventSerde serde;
    private ProcessorContext<String, GroupedDump> context;
    private KeyValueStore<String, GroupedDump> dumps;

    DumpRegrouper(EventSerde serde) {
        this.serde = serde;
    }

    @Override
    public void init(ProcessorContext<String, GroupedDump> context) {
        this.context = context;
        this.dumps = context.getStateStore(GroupTopology.DUMPS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone in the compacted reports topic: the dump's history stays counted
        }
        Optional<CrashReport> report = decode(record);
        if (report.isEmpty()) {
            return;
        }
        CrashReport r = report.get();
        GroupedDump before = dumps.get(r.getDumpId());
        if (before != null && VersionOrder.older(r.getParserVersion(), before.getParserVersion())) {
            return;
        }
        Optional<GroupedDump> now = GroupedDumps.of(r, record.timestamp());
        GroupedDump stored = now.orElseGet(() -> ungrouped(r));
        if (stored.equals(before)) {
            return; // the same report again (a re-upload, a re-sent record)
        }
        boolean wasCounted = before != null && !before.getSignature().equals(UNGROUPED);
        if (wasCounted) {
            send(record, GroupedDumps.withChange(before, -1));
        }
        now.ifPresent(d -> send(record, wasCounted && before.getSignature().equals(d.getSignature())
                ? GroupedDumps.withChange(d, 0) : d));
        dumps.put(r.getDumpId(), stored);
    }

    private void send(Record<String, byte[]> origin, GroupedDump change) {
        context.forward(new Record<>(change.getSignature(), change, origin.timestamp()));
    }

    private static GroupedDump ungrouped(CrashReport r) {
        return GroupedDump.newBuilder().setDumpId(r.getDumpId()).setSignature(UNGROUPED).setTitle("").setType("")
                .setParserVersion(r.getParserVersion()).setHostname(r.getHostname())
                .setKernelRelease(r.getKernelRelease()).setCrashTime(0).setChange(0).build();
    }

    /**
     * A record that can never be read is skipped with a warning; a registry that does not answer
     * fails the task, which Kafka Streams restarts from its last commit, so nothing is lost.
     */
    private Optional<CrashReport> decode(Record<String, byte[]> record) {
        try {
            return Optional.of(serde.deserialize(record.value(), CrashReport.class));
        } catch (RegistryException e) {
            if (e.httpStatus() >= 500) {
                throw new UncheckedIOException(new IOException("schema registry failing: " + e.getMessage(), e));
            }
            LOG.warn("crash report of {} not grouped, its schema is unknown: {}", record.key(), e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("schema registry not reachable", e);
        } catch (RuntimeException e) { // WireFormatException, bad values
            LOG.warn("crash report of {} not grouped, it does not decode: {}", record.key(), e.toString());
        }
        return Optional.empty();
    }
}
