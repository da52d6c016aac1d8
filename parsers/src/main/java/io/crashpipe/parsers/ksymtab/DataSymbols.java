package io.crashpipe.parsers.ksymtab;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Data symbols for a kernel whose kallsyms lists text only (built without CONFIG_KALLSYMS_ALL):
 * the exported ones from {@code __ksymtab}, and per-CPU variables from BTF anchored on an exported
 * one. Static variables that are neither ({@code tk_core}, {@code modules}) stay unknown.
 */
public final class DataSymbols {
    /** How far past the end of kernel text read-only data is searched. */
    private static final long SEARCH = 96L << 20;

    private final Optional<ExportedSymbols> exports;
    private final Supplier<Optional<Btf>> btf;
    private Optional<PerCpuVariables> percpu;

    private DataSymbols(Optional<ExportedSymbols> exports, Supplier<Optional<Btf>> btf) {
        this.exports = exports;
        this.btf = btf;
    }

    /** True when kallsyms has (almost) no data symbols, so these are worth finding. */
    public static boolean needed(Kallsyms kallsyms) {
        int data = 0;
        for (int i = 0; i < kallsyms.size() && data < 64; i++) {
            char t = Character.toLowerCase(kallsyms.get(i).type());
            if (t == 'd' || t == 'b' || t == 'r') {
                data++;
            }
        }
        return data < 64;
    }

    public static DataSymbols find(VirtualMemory memory, Kallsyms kallsyms, Supplier<Optional<Btf>> btf) {
        long from = kallsyms.address("_etext").orElse(kallsyms.address("_stext").orElse(0));
        Optional<ExportedSymbols> exports = from == 0 ? Optional.empty() : KsymtabScanner.scan(memory, from, SEARCH);
        return new DataSymbols(exports, btf);
    }

    public synchronized OptionalLong address(String name) {
        if (exports.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong v = exports.get().address(name);
        if (v.isPresent()) {
            return v;
        }
        if (percpu == null) {
            percpu = btf.get().flatMap(b -> PerCpuVariables.of(b, exports.get()));
        }
        return percpu.isPresent() ? percpu.get().address(name) : OptionalLong.empty();
    }

    /** For {@code info}: what was found. */
    public String describe() {
        return exports.map(e -> e.size() + " exported symbols from __ksymtab at 0x" + Long.toHexString(e.table())
                + " (" + e.layout().name().toLowerCase(java.util.Locale.ROOT) + " entries)")
                .orElse("no __ksymtab found");
    }
}
