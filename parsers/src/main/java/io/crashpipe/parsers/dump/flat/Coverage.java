package io.crashpipe.parsers.dump.flat;

import java.util.Map;
import java.util.TreeMap;

/** Which byte ranges of a region have been written, as merged [start, end) intervals. */
final class Coverage {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    void add(long start, long end) {
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
    }

    boolean covers(long start, long end) {
        Map.Entry<Long, Long> e = ranges.floorEntry(start);
        return end <= start || e != null && e.getValue() >= end;
    }
}
