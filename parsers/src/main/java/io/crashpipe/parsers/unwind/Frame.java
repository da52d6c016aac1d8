package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.Optional;

/**
 * A code address in a backtrace.
 *
 * @param pc the address (a return address, or an exact ip taken from registers)
 * @param slot the stack address the pc was read from; {@link #NO_SLOT} when it came from registers
 * @param symbol where the pc is in the kernel's symbol table, when known
 * @param reliable false for frames found by scanning the stack for text addresses: they may be
 *     left over from earlier calls (crash {@code bt -t}, the kernel's "?" frames)
 */
public record Frame(long pc, long slot, Optional<SymbolOffset> symbol, boolean reliable) implements TraceStep {
    public static final long NO_SLOT = -1;

    public boolean fromRegisters() {
        return slot == NO_SLOT;
    }

    /** The symbol name, or empty when the address is outside the kernel's symbol table. */
    public Optional<String> name() {
        return symbol.map(SymbolOffset::name);
    }
}
