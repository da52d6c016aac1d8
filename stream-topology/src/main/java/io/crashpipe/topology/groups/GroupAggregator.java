package io.crashpipe.topology.groups;

import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.state.GroupState;
import io.crashpipe.schemas.state.GroupedDump;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Second step, keyed by signature: applies each change to the group's state and sends the
 * group (to {@code crash-groups}) and the alerts it raised (to {@code crash-alerts}). Store
 * writes and sends commit in one exactly-once transaction, so a restart neither loses nor
 * repeats a change.
 */
final class GroupAggregator implements Processor<String, GroupedDump, String, SpecificRecord> {
    private final GroupLedger ledger;
    private final AtomicLong changes;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, GroupState> groups;

    GroupAggregator(GroupLedger ledger, AtomicLong changes) {
        this.ledger = ledger;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.groups = context.getStateStore(GroupTopology.GROUPS_STORE);
    }

    @Override
    public void process(Record<String, GroupedDump> record) {
        GroupState before = groups.get(record.key());
        GroupLedger.Applied applied = ledger.apply(before, record.value(), context.currentSystemTimeMs());
        if (applied.state() == null) {
            return; // a leave of a group this store never had: nothing to take away
        }
        groups.put(record.key(), applied.state());
        context.forward(new Record<>(record.key(), (SpecificRecord) applied.state().getGroup(), record.timestamp()));
        for (CrashAlert a : applied.alerts()) {
            context.forward(new Record<>(a.getAlertId(), (SpecificRecord) a, record.timestamp()));
        }
        changes.incrementAndGet();
    }
}
