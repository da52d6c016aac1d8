package io.crashpipe.parsers.orc;

/**
 * What an ORC entry says about the caller's frame. Formats before Linux 6.4 had no UNDEFINED
 * or END_OF_STACK type; {@link OrcFormat} maps their encodings (an undefined SP register, the
 * {@code end} bit) onto these.
 */
public enum OrcType {
    /** No unwind information here: the unwind cannot continue reliably. */
    UNDEFINED,
    /** The bottom of a stack (entry code, a new task): the unwind ends normally. */
    END_OF_STACK,
    /** A normal call frame: the return address sits just below the previous SP. */
    CALL,
    /** A full {@code struct pt_regs} sits at the previous SP (an interrupt or exception). */
    REGS,
    /** Only the hardware iret frame (ip, cs, flags, sp, ss) sits at the previous SP. */
    REGS_PARTIAL
}
