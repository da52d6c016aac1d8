package io.crashpipe.parsers.dump;

/**
 * Page tallies of one dump.
 *
 * @param inRam page frames the dump says are RAM (for ELF: covered by a PT_LOAD's memory size)
 * @param dumped pages whose bytes are in the file
 * @param excluded RAM pages left out by the dump filter
 * @param zero dumped pages stored as the shared zero page
 * @param notWritten pages that should be there but were not written (incomplete dump)
 */
public record PageCounts(long inRam, long dumped, long excluded, long zero, long notWritten) {}
