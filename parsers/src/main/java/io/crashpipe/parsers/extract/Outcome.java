package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.memory.Unavailable;

/** What running one extractor gave: its result, a page to wait for, or a final gap. */
public sealed interface Outcome<T> {

    String section();

    /** The section was extracted in full. */
    record Done<T>(String section, T value) implements Outcome<T> {}

    /** A page it needs may still arrive (streaming); run it again when {@code missing.pfn()} does. */
    record Waiting<T>(String section, Unavailable missing) implements Outcome<T> {}

    /**
     * The section cannot be completed from this dump: a page it needs is excluded, not written or
     * corrupt, or the dump lacks what the section relies on (for example VMCOREINFO keys).
     */
    record Incomplete<T>(String section, String reason) implements Outcome<T> {}
}
