package io.crashpipe.parsers.orc;

/**
 * Decides an {@link OrcFormat} from the flags words of a table's entries.
 *
 * <p>Almost every entry of a kernel is a CALL frame with a defined SP register. In V3 that is
 * type value 2 in bits 8-10; in V1/V2 it is value 0 in bits 8-9 with bit 10 clear. V2 differs
 * from V1 by the signal bit 10: set on pt_regs frames (type 1 or 2) and by the end bit 11,
 * neither of which V1 ever sets on such entries.
 */
public final class OrcFormatDetector {
    private long v3Calls;
    private long oldCalls;
    private boolean v2Evidence;

    public void accept(int flags) {
        int sp = flags & 0xf;
        if (sp == 0) {
            return;
        }
        int type3 = (flags >> 8) & 7;
        if (type3 == 2) {
            v3Calls++;
        } else if (type3 == 0) {
            oldCalls++;
        }
        int type2 = (flags >> 8) & 3;
        if ((flags & 0x800) != 0 || ((flags & 0x400) != 0 && (type2 == 1 || type2 == 2))) {
            v2Evidence = true;
        }
    }

    /** Enough seen to tell V3 from the older formats, and, when old, V2 already proven. */
    public boolean settled() {
        long seen = v3Calls + oldCalls;
        return seen >= 4096 && (v3Calls > oldCalls || v2Evidence);
    }

    public OrcFormat format() {
        if (v3Calls > oldCalls) {
            return OrcFormat.V3;
        }
        return v2Evidence ? OrcFormat.V2 : OrcFormat.V1;
    }
}
