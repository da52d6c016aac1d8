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
 */
public record KernelLog(LogFormat format, List<LogRecord> records, byte[] rawText, long lostRecords,
        long failedReservations) {}
