package io.crashpipe.parsers.kallsyms;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Names already decoded (a table built in memory); the name index is built on the first lookup. */
final class DecodedNames implements SymbolNames {
    private static final int[] NONE = new int[0];

    private final String[] names;
    private final char[] types;
    private Map<String, int[]> byName;

    DecodedNames(String[] names, char[] types) {
        if (names.length != types.length) {
            throw new IllegalArgumentException(names.length + " names but " + types.length + " types");
        }
        this.names = names;
        this.types = types;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public String name(int index) {
        return names[index];
    }

    @Override
    public char type(int index) {
        return types[index];
    }

    @Override
    public synchronized int[] indexesOf(String name) {
        if (byName == null) {
            byName = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                int[] old = byName.get(names[i]);
                int[] now = old == null ? new int[1] : Arrays.copyOf(old, old.length + 1);
                now[now.length - 1] = i;
                byName.put(names[i], now);
            }
        }
        return byName.getOrDefault(name, NONE).clone();
    }
}
