package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.Optional;

/** Address to {@code name+off/size}: the kernel's kallsyms, and each module's own symbols. */
@FunctionalInterface
public interface Symbolizer {
    Optional<SymbolOffset> symbolize(long address);

    /**
     * A return address names the function that made the call, which for a call at the very end
     * of a function (to a noreturn function) is the byte before the next function: look up
     * {@code address - 1} and count the offset from there, as the kernel's {@code %pB} does.
     */
    default Optional<SymbolOffset> symbolizeReturn(long address) {
        return symbolize(address - 1).map(s -> new SymbolOffset(s.name(), s.offset() + 1, s.size()));
    }

    /** The module whose code holds {@code address}; empty in the kernel image (or without module data). */
    default Optional<String> module(long address) {
        return Optional.empty();
    }

    /** A code address of the kernel or a module (where a return address can point; kallsyms also names data). */
    default boolean isText(long address) {
        return symbolize(address).isPresent();
    }
}
