package io.crashpipe.parsers.memory;

/** Outcome of a memory read: everything was read, or a page was not available. */
public sealed interface ReadResult permits ReadResult.Ok, Unavailable {

    /** The single "all bytes read" value. */
    Ok OK = new Ok();

    /** All requested bytes were read. */
    record Ok() implements ReadResult {}
}
