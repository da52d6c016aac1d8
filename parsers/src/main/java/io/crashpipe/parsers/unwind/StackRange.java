package io.crashpipe.parsers.unwind;

/** A kernel stack of one CPU: {@code [low, high)}. */
public record StackRange(StackKind kind, long low, long high) {
    public boolean contains(long sp) {
        return Long.compareUnsigned(sp, low) >= 0 && Long.compareUnsigned(sp, high) < 0;
    }
}
