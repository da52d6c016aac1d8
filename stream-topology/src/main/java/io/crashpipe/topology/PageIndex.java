package io.crashpipe.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which chunk of the pages topic holds each page frame of each dump. This small index is the only
 * page-related state the topology keeps (changelogged, so it survives a crash); the page bytes
 * themselves stay in the pages topic and are read back by offset when needed.
 * Keys are {@code dumpId/<16 hex digits of the span's first pfn>}, so a dump's spans sort by pfn.
 */
public final class PageIndex {
    /** A span of a dump's page frames and the chunk that carries them. */
    public record Entry(PfnSpan span, boolean zero, ChunkLocation chunk) {}

    private static final int VALUE_BYTES = 4 + 1 + 4 + 8;
    private final KeyValueStore<String, byte[]> store;

    public PageIndex(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    public void add(String dumpId, PfnSpan span, boolean zero, ChunkLocation chunk) {
        ByteBuffer v = ByteBuffer.allocate(VALUE_BYTES);
        v.putInt(span.count()).put((byte) (zero ? 1 : 0)).putInt(chunk.partition()).putLong(chunk.offset());
        store.put(key(dumpId, span.start()), v.array());
    }

    /** The span holding {@code pfn}, if a chunk carrying it has arrived. */
    public Optional<Entry> locate(String dumpId, long pfn) {
        try (KeyValueIterator<String, byte[]> it = store.reverseRange(key(dumpId, 0), key(dumpId, pfn))) {
            if (!it.hasNext()) {
                return Optional.empty();
            }
            KeyValue<String, byte[]> kv = it.next();
            Entry e = decode(kv.key, kv.value);
            return e.span().contains(pfn) ? Optional.of(e) : Optional.empty();
        }
    }

    /** Forgets a dump (after its grace time). */
    public int purge(String dumpId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(key(dumpId, 0), key(dumpId, Long.MAX_VALUE))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
        return keys.size();
    }

    static String key(String dumpId, long pfn) {
        return dumpId + "/" + String.format("%016x", pfn);
    }

    private static Entry decode(String key, byte[] value) {
        long start = Long.parseUnsignedLong(key.substring(key.lastIndexOf('/') + 1), 16);
        ByteBuffer v = ByteBuffer.wrap(value);
        int count = v.getInt();
        boolean zero = v.get() != 0;
        return new Entry(new PfnSpan(start, count), zero, new ChunkLocation(v.getInt(), v.getLong()));
    }
}
