package io.crashpipe.topology.groups;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.state.GroupState;
import io.crashpipe.schemas.state.GroupedDump;
import io.crashpipe.schemas.wire.EventSerde;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The groups aggregation: {@code crash-reports} (by dump id) → which signature each dump counts
 * under → repartitioned by signature → each group's state → {@code crash-groups} (a KTable: one
 * compacted record per signature) and {@code crash-alerts}. Two small changelogged stores: one
 * entry per dump (its signature and identity) and one per signature.
 */
public final class GroupTopology {
    static final String DUMPS_STORE = "grouped-dumps";
    static final String GROUPS_STORE = "crash-group-state";
    static final String BY_SIGNATURE = "groups-by-signature";

    private GroupTopology() {}

    public static Topology build(EventSerde serde, AlertRules rules, AtomicLong changes) {
        return build(serde, new GroupLedger(rules), changes);
    }

    static Topology build(EventSerde serde, GroupLedger ledger, AtomicLong changes) {
        AvroStateSerde<GroupedDump> dumpSerde = new AvroStateSerde<>(GroupedDump.class);
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUMPS_STORE), Serdes.String(), dumpSerde));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUPS_STORE), Serdes.String(),
                new AvroStateSerde<>(GroupState.class)));
        b.stream(Topics.CRASH_REPORTS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new DumpRegrouper(serde), Named.as("regroup-dumps"), DUMPS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), dumpSerde).withName(BY_SIGNATURE))
                .process(() -> new GroupAggregator(ledger, changes), Named.as("aggregate-groups"), GROUPS_STORE)
                .to((key, value, ctx) -> value instanceof CrashAlert ? Topics.CRASH_ALERTS.name() : Topics.CRASH_GROUPS.name(),
                        Produced.with(Serdes.String(), new EventSerializerSerde(serde)));
        return b.build();
    }
}
