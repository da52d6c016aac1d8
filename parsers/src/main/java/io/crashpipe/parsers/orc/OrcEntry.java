package io.crashpipe.parsers.orc;

/**
 * One decoded {@code struct orc_entry}: how to find the caller's SP and BP at a code address.
 *
 * @param signal the caller's ip is exact (an interrupted instruction), not a return address, so
 *     it is looked up as is rather than at {@code ip - 1}
 */
public record OrcEntry(int spOffset, int bpOffset, OrcReg spReg, OrcReg bpReg, OrcType type, boolean signal) {

    /** Bytes per entry in {@code .orc_unwind}: s16 sp_offset, s16 bp_offset, u16 flags. */
    public static final int SIZE = 6;
}
