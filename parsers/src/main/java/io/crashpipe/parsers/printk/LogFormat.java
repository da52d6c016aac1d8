package io.crashpipe.parsers.printk;

/** The three kernel log buffer layouts Linux has had. */
public enum LogFormat {
    /** Lockless ring buffer of descriptors, infos and text blocks (Linux 5.10 and later). */
    LOCKLESS_RING,
    /** Variable-length {@code struct printk_log} records in {@code log_buf} (3.5 to 5.9; named {@code log} before 3.11). */
    RECORD_BUFFER,
    /** Plain character ring {@code log_buf} with {@code log_end} (before 3.5). */
    CHAR_BUFFER
}
