package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.Map;

/**
 * A register set in a backtrace: the interrupted context of an interrupt or exception (a pt_regs
 * on a stack), or the CPU note a trace started from.
 *
 * @param address where the pt_regs sits on the stack; {@link #FROM_NOTE} for the CPU's note
 * @param partial only the hardware iret frame (ip, cs, flags, sp, ss) is meaningful
 * @param symbols the functions some registers point into, by register index, where the unwinder
 *     named them for the register block (arm64: pc and the link register)
 */
public record ExceptionFrame(long address, Registers regs, boolean partial, Map<Integer, SymbolOffset> symbols)
        implements TraceStep {
    public static final long FROM_NOTE = -1;

    public ExceptionFrame {
        symbols = Map.copyOf(symbols);
    }

    public ExceptionFrame(long address, Registers regs, boolean partial) {
        this(address, regs, partial, Map.of());
    }

    public boolean fromNote() {
        return address == FROM_NOTE;
    }
}
