package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.Optional;

/** Address to {@code name+off/size}; the kernel's kallsyms, later also module symbols. */
@FunctionalInterface
public interface Symbolizer {
    Optional<SymbolOffset> symbolize(long address);

    /** A kernel text address (where a return address can point). */
    default boolean isText(long address) {
        return symbolize(address).isPresent();
    }
}
