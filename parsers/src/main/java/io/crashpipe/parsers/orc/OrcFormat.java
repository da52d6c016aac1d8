package io.crashpipe.parsers.orc;

import java.util.List;

/**
 * The encodings of {@code struct orc_entry}'s 16-bit flags word on x86_64 (bit 0 is the lowest),
 * from arch/x86/include/asm/orc_types.h. Every format keeps sp_reg in bits 0-3 and bp_reg in
 * bits 4-7.
 *
 * <ul>
 *   <li>{@link #V1}: Linux 4.14 (ee9f8fce9964, the ORC unwinder) to 6.2: type in bits 8-9 (CALL
 *       0, REGS 1, REGS_PARTIAL 2), end in bit 10.</li>
 *   <li>{@link #V2}: Linux 6.3 (ffb1b4a41016, "Add 'signal' field"): signal in bit 10, end in
 *       bit 11.</li>
 *   <li>{@link #V3}: Linux 6.4 (fb799447ae29, "Split UNWIND_HINT_EMPTY in two"): type in bits
 *       8-10 (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4), signal in bit 11; no
 *       end bit.</li>
 *   <li>{@link #V4}: Linux 7.1 (1735858caa4b, "Reorder ORC register numbering"): V3's flags with
 *       the registers renumbered (and AX added).</li>
 * </ul>
 *
 * A dump's format is detected from its own data ({@link OrcFormatDetector}: the .orc_header
 * hash, the entries), never from the release string, because distributions backport.
 */
public enum OrcFormat {
    V1, V2, V3, V4;

    /** Register codes 0-9 before 7.1. */
    private static final List<OrcReg> REGS_V1 = List.of(OrcReg.UNDEFINED, OrcReg.PREV_SP, OrcReg.DX, OrcReg.DI,
            OrcReg.BP, OrcReg.SP, OrcReg.R10, OrcReg.R13, OrcReg.BP_INDIRECT, OrcReg.SP_INDIRECT);
    /** Register codes 0-10 since 7.1. */
    private static final List<OrcReg> REGS_V4 = List.of(OrcReg.UNDEFINED, OrcReg.AX, OrcReg.DX, OrcReg.SP,
            OrcReg.BP, OrcReg.DI, OrcReg.R10, OrcReg.R13, OrcReg.PREV_SP, OrcReg.SP_INDIRECT, OrcReg.BP_INDIRECT);

    /** The register a 4-bit code names in this format. */
    public OrcReg reg(int code) {
        List<OrcReg> table = this == V4 ? REGS_V4 : REGS_V1;
        return code < table.size() ? table.get(code) : OrcReg.UNKNOWN;
    }

    /** The 4-bit code of {@code reg} in this format (-1 when the format has no such register). */
    public int code(OrcReg reg) {
        return (this == V4 ? REGS_V4 : REGS_V1).indexOf(reg);
    }

    /** Whether bits 8-10 hold a 3-bit type (6.4 and later) rather than a 2-bit type and an end bit. */
    public boolean threeBitType() {
        return this == V3 || this == V4;
    }

    public OrcEntry decode(short spOffset, short bpOffset, int flags) {
        OrcReg sp = reg(flags & 0xf);
        OrcReg bp = reg((flags >> 4) & 0xf);
        if (threeBitType()) {
            return new OrcEntry(spOffset, bpOffset, sp, bp, v3Type((flags >> 8) & 7), (flags & 0x800) != 0);
        }
        boolean end = (flags & (this == V1 ? 0x400 : 0x800)) != 0;
        OrcType type = oldType((flags >> 8) & 3, sp, end);
        // Before 6.3 the kernel treated every pt_regs frame as a signal frame.
        boolean signal = (this == V2 && (flags & 0x400) != 0) || type == OrcType.REGS || type == OrcType.REGS_PARTIAL;
        return new OrcEntry(spOffset, bpOffset, sp, bp, type, signal);
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
