package io.crashpipe.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently used decoded chunks, bounded by bytes (configuration, not dump size). A miss is served
 * again from the pages topic, so eviction only costs a re-read.
 */
public final class ChunkCache {
    private final long budgetBytes;
    private final LinkedHashMap<ChunkLocation, DecodedChunk> chunks = new LinkedHashMap<>(64, 0.75f, true);
    private long usedBytes;

    public ChunkCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    public synchronized DecodedChunk get(ChunkLocation where) {
        return chunks.get(where);
    }

    public synchronized void put(ChunkLocation where, DecodedChunk chunk) {
        DecodedChunk old = chunks.put(where, chunk);
        usedBytes += chunk.weight() - (old == null ? 0 : old.weight());
        var it = chunks.entrySet().iterator();
        while (usedBytes > budgetBytes && chunks.size() > 1 && it.hasNext()) {
            Map.Entry<ChunkLocation, DecodedChunk> eldest = it.next();
            if (eldest.getKey().equals(where)) {
                continue;
            }
            usedBytes -= eldest.getValue().weight();
            it.remove();
        }
    }

    public synchronized long usedBytes() {
        return usedBytes;
    }
}
