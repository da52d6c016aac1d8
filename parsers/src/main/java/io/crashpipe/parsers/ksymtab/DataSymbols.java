package io.crashpipe.parsers.ksymtab;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.util.ArrayList;
import java.util.List;
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

    private final VirtualMemory memory;
    private final Vmcoreinfo vmcoreinfo;
    private final Optional<ExportedSymbols> exports;
    private final Supplier<Optional<Btf>> btf;
    private Optional<PerCpuVariables> percpu;
    private OptionalLong modules;
    private final long stext;

    private DataSymbols(VirtualMemory memory, Vmcoreinfo vmcoreinfo, Optional<ExportedSymbols> exports,
            Supplier<Optional<Btf>> btf, long stext) {
        this.memory = memory;
        this.vmcoreinfo = vmcoreinfo;
        this.exports = exports;
        this.btf = btf;
        this.stext = stext;
    }

    /** True when kallsyms has (almost) no data symbols, so these are worth finding. */
    public static boolean needed(Kallsyms kallsyms) {
        int data = 0;
        for (int i = 0; i < kallsyms.size() && data < 64; i++) {
            char t = Character.toLowerCase(kallsyms.type(i));
            if (t == 'd' || t == 'b' || t == 'r') {
                data++;
            }
        }
        return data < 64;
    }

    public static DataSymbols find(VirtualMemory memory, Vmcoreinfo vi, Kallsyms kallsyms,
            Supplier<Optional<Btf>> btf) {
        long from = kallsyms.address("_etext").orElse(kallsyms.address("_stext").orElse(0));
        Optional<ExportedSymbols> exports = from == 0 ? Optional.empty() : KsymtabScanner.scan(memory, from, SEARCH);
        return new DataSymbols(memory, vi, exports, btf, kallsyms.address("_stext").orElse(0));
    }

    public synchronized OptionalLong address(String name) {
        if (name.equals("modules")) {
            return modulesHead();
        }
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

    /** The module list head, found through module memory ({@link ModuleListHead}). */
    private OptionalLong modulesHead() {
        if (modules == null) {
            Optional<Btf> b = btf.get();
            modules = b.isPresent() ? ModuleListHead.find(memory, b.get(), moduleAreas()) : OptionalLong.empty();
        }
        return modules;
    }

    /**
     * Where module_alloc() may have put modules: VMCOREINFO's module region and the 2 GiB below
     * the kernel text (arm64 KASLR), narrowed to the vmalloc areas of {@code vmap_area_list} when
     * VMCOREINFO names it (Linux up to 6.8).
     */
    private List<ModuleListHead.Range> moduleAreas() {
        List<ModuleListHead.Range> windows = new ArrayList<>();
        OptionalLong start = vmcoreinfo.number("MODULES_VADDR");
        OptionalLong end = vmcoreinfo.number("MODULES_END");
        if (start.isPresent() && end.isPresent()) {
            windows.add(new ModuleListHead.Range(start.getAsLong(), end.getAsLong()));
        }
        if (stext != 0) {
            windows.add(new ModuleListHead.Range(stext - (2L << 30), stext));
        }
        OptionalLong head = vmcoreinfo.symbol("vmap_area_list");
        OptionalLong vaStart = vmcoreinfo.offset("vmap_area", "va_start");
        OptionalLong vaList = vmcoreinfo.offset("vmap_area", "list");
        if (head.isEmpty() || vaStart.isEmpty() || vaList.isEmpty()) {
            return windows;
        }
        List<ModuleListHead.Range> areas = new ArrayList<>();
        long at = memory.u64(head.getAsLong());
        for (int i = 0; i < 1_000_000 && at != head.getAsLong(); i++) {
            long va = at - vaList.getAsLong();
            long s = memory.u64(va + vaStart.getAsLong());
            long e = memory.u64(va + vaStart.getAsLong() + 8); // va_end follows va_start
            if (windows.stream().anyMatch(w -> w.contains(s))) {
                areas.add(new ModuleListHead.Range(s, e));
            }
            at = memory.u64(at);
        }
        return areas;
    }

    /** For {@code info}: what was found. */
    public String describe() {
        return exports.map(e -> e.size() + " exported symbols from __ksymtab at 0x" + Long.toHexString(e.table())
                + " (" + e.layout().name().toLowerCase(java.util.Locale.ROOT) + " entries)")
                .orElse("no __ksymtab found");
    }
}
