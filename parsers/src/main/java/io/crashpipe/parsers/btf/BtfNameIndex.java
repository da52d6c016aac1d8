package io.crashpipe.parsers.btf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Name → type ids, as one open-addressing {@code int[]} of type ids keyed by the hash of the
 * name bytes in the string section: no String per type, ~1 MB for vmlinux's ~100k names.
 * Several types may share a name (a struct and its typedef, a FUNC and a VAR), so a lookup
 * collects every id whose name matches, in id order.
 */
final class BtfNameIndex {
    private final BtfTypeTable types;
    private final BtfStrings strings;
    private final int[] slots;
    private final int mask;

    private BtfNameIndex(BtfTypeTable types, BtfStrings strings, int[] slots) {
        this.types = types;
        this.strings = strings;
        this.slots = slots;
        this.mask = slots.length - 1;
    }

    static BtfNameIndex build(BtfTypeTable types, BtfStrings strings) {
        int named = 0;
        for (int id = 1; id < types.size(); id++) {
            if (types.nameOffset(id) != 0) {
                named++;
            }
        }
        // Load factor at most 1/2 keeps linear probing short.
        int capacity = Integer.highestOneBit(Math.max(named, 8) * 2) * 2;
        int[] slots = new int[capacity];
        int mask = capacity - 1;
        for (int id = 1; id < types.size(); id++) {
            int nameOff = types.nameOffset(id);
            if (nameOff != 0) {
                int s = strings.hashAt(nameOff) & mask;
                while (slots[s] != 0) {
                    s = (s + 1) & mask;
                }
                slots[s] = id;
            }
        }
        return new BtfNameIndex(types, strings, slots);
    }

    /** Ids of every type named {@code name}, ascending. */
    int[] lookup(String name) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        int[] found = new int[4];
        int n = 0;
        for (int s = BtfStrings.hash(key) & mask; slots[s] != 0; s = (s + 1) & mask) {
            int id = slots[s];
            if (strings.equalsAt(types.nameOffset(id), key)) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = id;
            }
        }
        int[] out = Arrays.copyOf(found, n);
        Arrays.sort(out);
        return out;
    }
}
