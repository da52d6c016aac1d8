package io.crashpipe.parsers.printk;

import java.util.List;

/**
 * The kernel log as found in the dump.
 *
 * @param records the records still in the buffer, oldest first
 * @param rawText for {@link LogFormat#CHAR_BUFFER}, the buffer's characters in order (that
 *     format has no records; {@code records} then holds one entry per line); empty otherwise
 * @param lostRecords records that were overwritten before the dump (the first sequence number
 *     still present, plus any gaps); 0 when the format cannot tell
 * @param failedReservations the ring buffer's {@code fail} counter: messages the kernel could not
 *     store at all (lockless ring only)
 * @param damage what failed its own checks (a descriptor whose data block is out of the ring or
 *     carries another id, a ring whose head and tail ids are further apart than its size), one
 *     line each; such records are left out, and the log is {@link #incomplete()}
 */
public record KernelLog(LogFormat format, List<LogRecord> records, byte[] rawText, long lostRecords,
        long failedReservations, List<String> damage) {

    public KernelLog {
        damage = List.copyOf(damage);
    }

    /** A log whose structures all passed their own checks. */
    public KernelLog(LogFormat format, List<LogRecord> records, byte[] rawText, long lostRecords,
            long failedReservations) {
        this(format, records, rawText, lostRecords, failedReservations, List.of());
    }

    /** The first {@code max} damage lines, then how many more there are: one wiped page can fail hundreds of descriptors. */
    public List<String> damageSummary(int max) {
        if (damage.size() <= max) {
            return damage;
        }
        List<String> out = new java.util.ArrayList<>(damage.subList(0, max));
        out.add("... and " + (damage.size() - max) + " more records that failed their checks");
        return List.copyOf(out);
    }

    /** True when some descriptor or record failed its own checks: the log shown is incomplete. */
    public boolean incomplete() {
        return !damage.isEmpty();
    }
}
