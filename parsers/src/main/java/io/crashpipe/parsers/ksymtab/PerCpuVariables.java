package io.crashpipe.parsers.ksymtab;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfSecInfo;
import io.crashpipe.parsers.btf.BtfType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Per-CPU variables' link addresses without kallsyms' data symbols. pahole writes every per-CPU
 * variable into BTF as a VAR in the {@code .data..percpu} DATASEC, with its offset in that
 * section; one of them that is also exported ({@code cpu_number}, {@code irq_stat}, ...) gives the
 * section's start, and with it every other one's address, as kallsyms would list it.
 */
public final class PerCpuVariables {
    private static final String SECTION = ".data..percpu";

    private final Map<String, Long> offsets;
    private final long sectionStart;

    private PerCpuVariables(Map<String, Long> offsets, long sectionStart) {
        this.offsets = offsets;
        this.sectionStart = sectionStart;
    }

    /** Empty when BTF has no per-CPU section or no per-CPU variable of it is exported. */
    public static Optional<PerCpuVariables> of(Btf btf, ExportedSymbols exports) {
        Map<String, Long> offsets = new HashMap<>();
        for (BtfType t : btf.named(SECTION)) {
            if (t instanceof BtfType.DataSec sec) {
                for (BtfSecInfo v : sec.vars()) {
                    if (btf.type(v.type()) instanceof BtfType.Var var) {
                        offsets.putIfAbsent(var.name(), v.offset());
                    }
                }
            }
        }
        // Every exported per-CPU variable must agree on where the section starts.
        Map<Long, Integer> votes = new HashMap<>();
        offsets.forEach((name, off) -> exports.address(name)
                .ifPresent(a -> votes.merge(a - off, 1, Integer::sum)));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(best -> new PerCpuVariables(Map.copyOf(offsets), best.getKey()));
    }

    /** The variable's link address (add {@code __per_cpu_offset[cpu]} for a CPU's copy). */
    public OptionalLong address(String name) {
        Long off = offsets.get(name);
        return off == null ? OptionalLong.empty() : OptionalLong.of(sectionStart + off);
    }
}
