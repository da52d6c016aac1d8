package io.crashpipe.parsers.orc;

/**
 * The base register an ORC entry computes the caller's SP or BP from. The numbers that encode
 * them changed in Linux 7.1 ({@link OrcFormat#V4}); {@link OrcFormat} maps a format's codes onto
 * these meanings.
 */
public enum OrcReg {
    UNDEFINED, PREV_SP, AX, DX, DI, BP, SP, R10, R13, BP_INDIRECT, SP_INDIRECT, UNKNOWN
}
