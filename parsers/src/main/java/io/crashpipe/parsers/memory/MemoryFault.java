package io.crashpipe.parsers.memory;

/**
 * Unchecked carrier of an {@link Unavailable} result, so deep parsing code can stop at the
 * first missing page and the caller (an extractor runner) can record which pfn it waits for.
 */
public final class MemoryFault extends RuntimeException {
    private final Unavailable unavailable;

    public MemoryFault(Unavailable unavailable) {
        super(unavailable.describe(), null, false, false);
        this.unavailable = unavailable;
    }

    public Unavailable unavailable() {
        return unavailable;
    }

    /** The page may still arrive (streaming): the pass must wait for it, not record a gap. */
    public boolean mayStillArrive() {
        return unavailable.reason() == Unavailable.Reason.NOT_YET_ARRIVED;
    }

    /**
     * The one rule for code that turns a fault into a gap (a stop reason, an unknown field): a
     * page that may still arrive is rethrown so the pass waits; call this first in such a catch.
     */
    public static void propagateIfWaiting(MemoryFault fault) {
        if (fault.mayStillArrive()) {
            throw fault;
        }
    }
}
