package io.crashpipe.parsers.dump;

/** What a dump says about one page frame. */
public enum PageState {
    /** The page's bytes are in the dump (possibly as the shared zero page). */
    PRESENT,
    /** RAM, left out by the dump filter (makedumpfile's dump level). */
    EXCLUDED,
    /** Not RAM, or beyond the end of the memory map. */
    NOT_IN_RAM,
    /** Should be in the dump, but the dump was cut short before it was written. */
    NOT_WRITTEN
}
