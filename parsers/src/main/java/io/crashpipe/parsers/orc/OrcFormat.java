package io.crashpipe.parsers.orc;

/**
 * The three encodings of the 16-bit flags word of {@code struct orc_entry} on x86_64 (bit 0 is
 * the lowest): all share sp_reg in bits 0-3 and bp_reg in bits 4-7.
 *
 * <ul>
 *   <li>{@link #V1}: Linux 4.14 to 6.2: type in bits 8-9 (CALL 0, REGS 1, REGS_PARTIAL 2),
 *       end in bit 10.</li>
 *   <li>{@link #V2}: Linux 6.3: as V1 plus a signal bit: signal in bit 10, end in bit 11.</li>
 *   <li>{@link #V3}: Linux 6.4 and later: type in bits 8-10 (UNDEFINED 0, END_OF_STACK 1,
 *       CALL 2, REGS 3, REGS_PARTIAL 4), signal in bit 11; no end bit.</li>
 * </ul>
 *
 * A dump's format is detected from its entries ({@link OrcFormatDetector}), never from the
 * release string, because distributions backport.
 */
public enum OrcFormat {
    V1, V2, V3;

    public OrcEntry decode(short spOffset, short bpOffset, int flags) {
        OrcReg sp = OrcReg.of(flags & 0xf);
        OrcReg bp = OrcReg.of((flags >> 4) & 0xf);
        return switch (this) {
            case V3 -> new OrcEntry(spOffset, bpOffset, sp, bp, v3Type((flags >> 8) & 7), (flags & 0x800) != 0);
            case V1, V2 -> {
                boolean end = (flags & (this == V1 ? 0x400 : 0x800)) != 0;
                OrcType type = oldType((flags >> 8) & 3, sp, end);
                // Before 6.3 the kernel treated every pt_regs frame as a signal frame.
                boolean signal = (this == V2 && (flags & 0x400) != 0)
                        || type == OrcType.REGS || type == OrcType.REGS_PARTIAL;
                yield new OrcEntry(spOffset, bpOffset, sp, bp, type, signal);
            }
        };
    }

    private static OrcType v3Type(int t) {
        return switch (t) {
            case 1 -> OrcType.END_OF_STACK;
            case 2 -> OrcType.CALL;
            case 3 -> OrcType.REGS;
            case 4 -> OrcType.REGS_PARTIAL;
            default -> OrcType.UNDEFINED;
        };
    }

    private static OrcType oldType(int t, OrcReg sp, boolean end) {
        if (end) {
            return OrcType.END_OF_STACK;
        }
        if (sp == OrcReg.UNDEFINED) {
            return OrcType.UNDEFINED;
        }
        return switch (t) {
            case 0 -> OrcType.CALL;
            case 1 -> OrcType.REGS;
            case 2 -> OrcType.REGS_PARTIAL;
            default -> OrcType.UNDEFINED;
        };
    }
}
