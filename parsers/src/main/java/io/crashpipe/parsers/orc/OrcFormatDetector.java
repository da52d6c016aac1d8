package io.crashpipe.parsers.orc;

/**
 * Decides an {@link OrcFormat} from the flags words of a table's entries.
 *
 * <p>Almost every entry of a kernel is a CALL frame with a defined SP register. In V3 that is
 * type value 2 in bits 8-10; in V1/V2 it is value 0 in bits 8-9 with bit 10 clear. V2 differs
 * from V1 by the signal bit 10: set on pt_regs frames (type 1 or 2) and by the end bit 11,
 * neither of which V1 ever sets on such entries. Because pt_regs entries are rare, the entry at
 * the start of {@code entry_SYSCALL_64}, an end-of-stack hint in every ORC kernel, settles V1
 * against V2 without reading the whole table: it is 0x0400 in V1 (end), 0x0800 in V2 (end) and
 * type 1 (END_OF_STACK) in V3.
 */
public final class OrcFormatDetector {
    private long v3Calls;
    private long oldCalls;
    private boolean v2Evidence;
    private OrcFormat endMarker;

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
        return seen >= 4096 && (v3Calls > oldCalls || v2Evidence || endMarker != null);
    }

    public OrcFormat format() {
        if (v3Calls > oldCalls) {
            return OrcFormat.V3;
        }
        if (v2Evidence || endMarker == OrcFormat.V2) {
            return OrcFormat.V2;
        }
        return OrcFormat.V1;
    }
}
