package io.crashpipe.parsers.ksymtab;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The kernel's exported symbols ({@code EXPORT_SYMBOL}), decoded from its {@code __ksymtab}
 * table in memory: name to address. Exports include the data symbols a dump reader needs most
 * ({@code init_task}, {@code __per_cpu_offset}, {@code jiffies_64}, {@code avenrun}, the CPU
 * masks), which is what makes them worth finding when kallsyms holds text symbols only.
 *
 * @param table where the table starts
 * @param layout how its entries are laid out
 */
public record ExportedSymbols(long table, KsymtabLayout layout, Map<String, Long> addresses) {

    public ExportedSymbols {
        addresses = Map.copyOf(addresses);
    }

    public OptionalLong address(String name) {
        Long a = addresses.get(name);
        return a == null ? OptionalLong.empty() : OptionalLong.of(a);
    }

    public int size() {
        return addresses.size();
    }
}
