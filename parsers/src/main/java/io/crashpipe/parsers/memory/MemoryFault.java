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
}
