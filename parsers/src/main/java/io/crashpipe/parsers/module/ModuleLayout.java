package io.crashpipe.parsers.module;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfLookupException;
import io.crashpipe.parsers.view.DumpMemo;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where {@code struct module}'s members lie, from BTF. Linux 6.4 replaced {@code core_layout}
 * (one base and size, text first) by {@code mem[]}, one {@code module_memory} per kind of
 * allocation, indexed by {@code enum mod_mem_type}; which one this kernel has is asked of BTF.
 *
 * @param memTypes indexes of the core {@code mem[]} entries (text, data, rodata, ro_after_init)
 *     on 6.4+, empty before
 * @param memStride byte size of one {@code module_memory}
 */
public record ModuleLayout(long list, long name, int nameSize, boolean memArray, long base, long size,
        long textSize, int[] memTypes, long memStride, int memText, OptionalLong kallsyms, long symtab, long numSymtab,
        long strtab) {

    private static final DumpMemo.Key<ModuleLayout> KEY = DumpMemo.Key.of("struct module layout");

    /** The layout from BTF, computed once per BTF. */
    public static ModuleLayout of(Btf btf) {
        return btf.layout(KEY, () -> read(btf));
    }

    private static ModuleLayout read(Btf btf) {
        var name = btf.field("module.name");
        OptionalLong kallsyms = btf.findField("module.kallsyms").map(f -> OptionalLong.of(f.offset()))
                .orElse(OptionalLong.empty());
        long symtab = kallsyms.isPresent() ? btf.field("mod_kallsyms.symtab").offset() : 0;
        long numSymtab = kallsyms.isPresent() ? btf.field("mod_kallsyms.num_symtab").offset() : 0;
        long strtab = kallsyms.isPresent() ? btf.field("mod_kallsyms.strtab").offset() : 0;
        if (btf.hasMember("module", "mem")) {
            int text = (int) enumerator(btf, "MOD_TEXT");
            List<Integer> core = new ArrayList<>();
            for (String t : new String[] {"MOD_TEXT", "MOD_DATA", "MOD_RODATA", "MOD_RO_AFTER_INIT"}) {
                btf.enumValue("mod_mem_type", t).ifPresent(v -> core.add((int) v));
            }
            var mem0 = btf.field("module.mem[0]");
            return new ModuleLayout(btf.field("module.list").offset(), name.offset(), (int) name.size(), true,
                    mem0.offset() + btf.field("module_memory.base").offset(),
                    mem0.offset() + btf.field("module_memory.size").offset(),
                    mem0.offset() + btf.field("module_memory.size").offset(),
                    core.stream().mapToInt(Integer::intValue).toArray(), mem0.size(), text, kallsyms, symtab,
                    numSymtab, strtab);
        }
        return new ModuleLayout(btf.field("module.list").offset(), name.offset(), (int) name.size(), false,
                btf.field("module.core_layout.base").offset(), btf.field("module.core_layout.size").offset(),
                btf.field("module.core_layout.text_size").offset(), new int[0], 0, 0, kallsyms, symtab, numSymtab,
                strtab);
    }

    private static long enumerator(Btf btf, String name) {
        return btf.enumValue("mod_mem_type", name).orElseThrow(
                () -> new BtfLookupException("enum mod_mem_type has no " + name));
    }
}
