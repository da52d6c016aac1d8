package io.crashpipe.parsers.unwind;

/**
 * A register set in a backtrace: the interrupted context of an interrupt or exception (a pt_regs
 * on a stack), or the CPU note a trace started from.
 *
 * @param address where the pt_regs sits on the stack; {@link #FROM_NOTE} for the CPU's note
 * @param partial only the hardware iret frame (ip, cs, flags, sp, ss) is meaningful
 */
public record ExceptionFrame(long address, Registers regs, boolean partial) implements TraceStep {
    public static final long FROM_NOTE = -1;

    public boolean fromNote() {
        return address == FROM_NOTE;
    }
}
