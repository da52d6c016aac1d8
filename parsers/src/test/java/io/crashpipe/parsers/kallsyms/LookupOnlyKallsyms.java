package io.crashpipe.parsers.kallsyms;

import java.util.List;
import java.util.Map;

/** A kallsyms table from a name-to-address map, for targets that only look symbols up (ORC). */
public final class LookupOnlyKallsyms {
    private LookupOnlyKallsyms() {}

    public static Kallsyms of(Map<String, Long> symbols) {
        String[] names = symbols.keySet().toArray(String[]::new);
        char[] types = new char[names.length];
        long[] addresses = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            types[i] = 'T';
            addresses[i] = symbols.get(names[i]);
        }
        return new Kallsyms(names, types, addresses, null,
                new ImageSymbols.Agreement(List.of(), List.of(), List.of()));
    }
}
