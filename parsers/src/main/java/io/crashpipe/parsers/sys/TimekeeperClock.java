package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.kernel.FieldOffsets;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import java.util.OptionalLong;

/**
 * The wall clock at the last tick before the dump: {@code tk_core.timekeeper.xtime_sec}, which
 * crash and drgn use when VMCOREINFO has no {@code CRASHTIME} (hypervisor dumps).
 *
 * <p>VMCOREINFO has no offsets for it. When {@link FieldOffsets} (BTF, later) cannot say, the
 * known layouts are tried: {@code tk_core} is a sequence counter (4 bytes, padded to 8; 16 with
 * the lock pointer of PREEMPT_RT/lockdep) followed by {@code struct timekeeper}, whose
 * {@code xtime_sec} follows {@code tkr_mono} and {@code tkr_raw} (two 56-byte
 * {@code tk_read_base}) up to 6.12, and follows {@code tkr_mono} alone since 6.13's cacheline
 * reordering. In every layout {@code ktime_sec} (monotonic seconds) comes right after, so a
 * candidate is accepted only if that value agrees with the uptime from jiffies and
 * {@code xtime_sec} is a plausible date.
 */
final class TimekeeperClock {
    private static final long TK_READ_BASE_SIZE = 56;
    private static final long YEAR_2000 = 946_684_800L;
    private static final long YEAR_2200 = 7_258_118_400L;

    private TimekeeperClock() {}

    static OptionalLong xtimeSec(VirtualMemory mem, long tkCore, FieldOffsets offsets, OptionalLong uptimeSeconds) {
        OptionalLong inCore = offsets.offset("tk_core", "timekeeper");
        OptionalLong inTk = offsets.offset("timekeeper", "xtime_sec");
        if (inCore.isPresent() && inTk.isPresent()) {
            return OptionalLong.of(mem.u64(tkCore + inCore.getAsLong() + inTk.getAsLong()));
        }
        for (long seqBytes : new long[] {8, 16}) {
            for (long inTimekeeper : new long[] {TK_READ_BASE_SIZE, 2 * TK_READ_BASE_SIZE}) {
                try {
                    long at = tkCore + seqBytes + inTimekeeper;
                    long xtime = mem.u64(at);
                    long ktime = mem.u64(at + 8);
                    if (plausible(xtime, ktime, uptimeSeconds)) {
                        return OptionalLong.of(xtime);
                    }
                } catch (MemoryFault e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    private static boolean plausible(long xtime, long ktime, OptionalLong uptime) {
        if (xtime < YEAR_2000 || xtime > YEAR_2200 || ktime < 0 || ktime > xtime) {
            return false;
        }
        if (uptime.isEmpty()) {
            return true;
        }
        long up = uptime.getAsLong();
        return Math.abs(ktime - up) <= 2 + up / 100;
    }
}
