package io.crashpipe.parsers.printk;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One kernel log record.
 *
 * @param sequence the kernel's record number (printk_info.seq); for buffers without one, the
 *     position among the records still in the buffer
 * @param timestampNanos local_clock() at printk time (nanoseconds since boot)
 * @param level syslog level 0 (emerg) to 7 (debug)
 * @param facility syslog facility (0 kernel)
 * @param callerId the raw caller id when the kernel records one: bit 31 set means a CPU number,
 *     otherwise a thread id
 * @param text the message bytes as stored (no trailing newline; may contain newlines)
 * @param subsystem dev_printk's SUBSYSTEM, empty when none
 * @param device dev_printk's DEVICE, empty when none
 * @param dataless a record whose descriptor has no text block (the kernel stores empty lines
 *     and failed reservations this way; makedumpfile does not print them)
 */
public record LogRecord(long sequence, long timestampNanos, int level, int facility, OptionalInt callerId,
        byte[] text, String subsystem, String device, boolean dataless) {

    private static final int CALLER_IS_CPU = 0x80000000;

    public String textString() {
        return new String(text, StandardCharsets.UTF_8);
    }

    /** {@code T<tid>} or {@code C<cpu>}, as printk's caller field prints it. */
    public Optional<String> caller() {
        if (callerId.isEmpty()) {
            return Optional.empty();
        }
        int id = callerId.getAsInt();
        return Optional.of(((id & CALLER_IS_CPU) != 0 ? "C" : "T") + Integer.toUnsignedString(id & ~CALLER_IS_CPU));
    }
}
