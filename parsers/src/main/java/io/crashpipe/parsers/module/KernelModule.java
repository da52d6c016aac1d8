package io.crashpipe.parsers.module;

import io.crashpipe.parsers.memory.Completeness;

/**
 * One loaded module.
 *
 * @param address the {@code struct module}
 * @param base start of its core text ({@code mem[MOD_TEXT].base} on 6.4+, {@code core_layout.base} before)
 * @param size bytes of its core allocations, as crash's {@code mod} counts them
 * @param textBase where its executable code starts
 * @param textSize bytes of executable code (symbol lookups stay inside it)
 * @param kallsyms the module's {@code struct mod_kallsyms}, 0 when the kernel has none
 * @param completeness the fields the dump could not give ({@code name}, {@code base}, {@code size},
 *     {@code kallsyms}), each with its reason; those hold "" or 0
 */
public record KernelModule(long address, String name, long base, long size, long textBase, long textSize,
        long kallsyms, Completeness completeness) {

    public boolean containsText(long addr) {
        return Long.compareUnsigned(addr, textBase) >= 0 && Long.compareUnsigned(addr, textBase + textSize) < 0;
    }
}
