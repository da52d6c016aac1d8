package io.crashpipe.parsers.module;

import io.crashpipe.parsers.kallsyms.SymbolOffset;

/** An address inside a module's code, as the kernel prints it: {@code name+0xoff/0xsize [module]}. */
public record ModuleSymbol(SymbolOffset symbol, String module) {
    @Override
    public String toString() {
        return symbol + " [" + module + "]";
    }
}
