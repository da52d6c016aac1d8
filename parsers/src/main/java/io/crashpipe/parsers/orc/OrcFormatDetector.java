package io.crashpipe.parsers.orc;

/**
 * Decides an {@link OrcFormat} from a table's own data.
 *
 * <ol>
 *   <li>A known {@link OrcHeader} hash settles it at once.</li>
 *   <li>Otherwise the entries: almost every entry of a kernel is a CALL frame whose CFA is SP
 *       plus an offset. With a 3-bit type (6.4+) CALL is type value 2 in bits 8-10; before, it is
 *       value 0 in bits 8-9 with bit 10 clear. Among 3-bit-type tables, SP is register code 5
 *       before 7.1 and code 3 from 7.1 on (where 5 is DI, which only a few entry points use),
 *       so the commonest SP code of CALL entries tells V3 from V4.</li>
 *   <li>V2 differs from V1 by the signal bit 10 set on pt_regs frames and the end bit moved to
 *       11. Because pt_regs entries are rare, the entry at the start of {@code entry_SYSCALL_64},
 *       an end-of-stack hint in every ORC kernel, settles V1 against V2 without reading the
 *       whole table: it is 0x0400 in V1 (end), 0x0800 in V2 (end) and type 1 (END_OF_STACK) in
 *       V3 and V4.</li>
 * </ol>
 */
public final class OrcFormatDetector {
    private static final int SP_CODE_BEFORE_7_1 = 5;
    private static final int SP_CODE_SINCE_7_1 = 3;

    private OrcFormat fromHeader;
    private long threeBitCalls;
    private long oldCalls;
    private long spCodeOld;
    private long spCodeV4;
    private boolean v2Evidence;
    private OrcFormat endMarker;

    /** The table's .orc_header, when the kernel has one. */
    public void acceptHeader(OrcHeader header) {
        header.knownFormat().ifPresent(f -> fromHeader = f);
    }

    /** The raw flags of an entry known to be an end-of-stack hint. */
    public void acceptEndMarker(int flags) {
        if ((flags & 0xf) != 0) {
            return;
        }
        int high = flags & 0xf00;
        if (high == 0x100) {
            endMarker = OrcFormat.V3;
        } else if (high == 0x400) {
            endMarker = OrcFormat.V1;
        } else if ((flags & 0xf800) == 0x800) {
            endMarker = OrcFormat.V2;
        }
    }

    public void accept(int flags) {
        int sp = flags & 0xf;
        if (sp == 0) {
            return;
        }
        int type3 = (flags >> 8) & 7;
        if (type3 == 2) {
            threeBitCalls++;
            if (sp == SP_CODE_BEFORE_7_1) {
                spCodeOld++;
            } else if (sp == SP_CODE_SINCE_7_1) {
                spCodeV4++;
            }
        } else if (type3 == 0) {
            oldCalls++;
        }
        int type2 = (flags >> 8) & 3;
        if ((flags & 0x800) != 0 || ((flags & 0x400) != 0 && (type2 == 1 || type2 == 2))) {
            v2Evidence = true;
        }
    }

    /** Enough seen to decide (a known header, or enough entries and, when old, V1/V2 evidence). */
    public boolean settled() {
        if (fromHeader != null) {
            return true;
        }
        long seen = threeBitCalls + oldCalls;
        return seen >= 4096 && (threeBitCalls > oldCalls || v2Evidence || endMarker != null);
    }

    public OrcFormat format() {
        if (fromHeader != null) {
            return fromHeader;
        }
        if (threeBitCalls > oldCalls) {
            return spCodeV4 > spCodeOld ? OrcFormat.V4 : OrcFormat.V3;
        }
        if (v2Evidence || endMarker == OrcFormat.V2) {
            return OrcFormat.V2;
        }
        return OrcFormat.V1;
    }

    /** How the format was decided, for {@code info}. */
    public String evidence() {
        if (fromHeader != null) {
            return ".orc_header hash";
        }
        return "entry flags (" + (threeBitCalls + oldCalls) + " CALL entries)";
    }
}
