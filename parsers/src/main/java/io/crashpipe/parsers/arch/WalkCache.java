package io.crashpipe.parsers.arch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last page-table walks of an address space, keyed by the part of the virtual address a walk
 * covers (a page, a 2 MiB region...): most reads touch the same few pages again, so a bounded
 * least-recently-used map keeps them at one physical read. Safe for concurrent readers.
 */
public final class WalkCache<V> {
    private final Map<Long, V> entries;

    public WalkCache(int capacity) {
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> e) {
                return size() > capacity;
            }
        };
    }

    /** The walk cached for {@code key}, or null. */
    public V get(long key) {
        synchronized (entries) {
            return entries.get(key);
        }
    }

    public void put(long key, V walk) {
        synchronized (entries) {
            entries.put(key, walk);
        }
    }
}
