package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.Optional;

/**
 * A code address in a backtrace.
 *
 * @param pc the address (a return address, or an exact ip taken from registers)
 * @param slot the stack address the pc was read from; {@link #NO_SLOT} when it came from registers
 * @param symbol where the pc is in the kernel's or its module's symbol table, when known
 * @param reliable false for frames found by scanning the stack for text addresses: they may be
 *     left over from earlier calls (crash {@code bt -t}, the kernel's "?" frames)
 * @param module the module whose code holds the pc; empty for the kernel image
 */
public record Frame(long pc, long slot, Optional<SymbolOffset> symbol, boolean reliable, Optional<String> module)
        implements TraceStep {
    public static final long NO_SLOT = -1;

    /** A frame in the kernel image. */
    public Frame(long pc, long slot, Optional<SymbolOffset> symbol, boolean reliable) {
        this(pc, slot, symbol, reliable, Optional.empty());
    }

    /** A frame named by {@code symbols} ({@code returnAddress}: look the pc up as a return address). */
    public static Frame named(Symbolizer symbols, long pc, long slot, boolean returnAddress, boolean reliable) {
        Optional<SymbolOffset> sym = returnAddress ? symbols.symbolizeReturn(pc) : symbols.symbolize(pc);
        return new Frame(pc, slot, sym, reliable, symbols.module(returnAddress ? pc - 1 : pc));
    }

    /** The same frame marked as found by searching the stack. */
    public Frame unreliable() {
        return new Frame(pc, slot, symbol, false, module);
    }

    public boolean fromRegisters() {
        return slot == NO_SLOT;
    }

    /** The symbol name, or empty when the address is outside the kernel's symbol table. */
    public Optional<String> name() {
        return symbol.map(SymbolOffset::name);
    }
}
