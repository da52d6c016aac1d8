package io.crashpipe.parsers.oops;

import java.util.Locale;

/** What kind of failure a report describes; {@link #label()} is the word used in output and search. */
public enum ReportType {
    MEMORY_SAFETY, NULL_DEREF, UNDEFINED_BEHAVIOUR, BUG, WARNING, LOCKDEP, ATOMIC_SLEEP, HANG, LOCKUP,
    STACK_OVERFLOW, PANIC, OOM, LEAK;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
