package io.crashpipe.parsers.orc;

/** The base register an ORC entry computes the previous frame's SP or BP from (same codes in every format). */
public enum OrcReg {
    UNDEFINED, PREV_SP, DX, DI, BP, SP, R10, R13, BP_INDIRECT, SP_INDIRECT, UNKNOWN;

    static OrcReg of(int code) {
        return code < UNKNOWN.ordinal() ? values()[code] : UNKNOWN;
    }
}
