package io.crashpipe.parsers.triage.struct;

import java.util.List;

/**
 * A kernel value read through its BTF type, as a tree: the CLI prints it in crash's (gdb's)
 * layout with {@link GdbFormat}, or as JSON.
 */
public sealed interface Value {

    /** An integer, enum, bool or pointer: {@code text} as gdb prints it, {@code raw} its bits. */
    record Scalar(String text, long raw, Kind kind) implements Value {}

    enum Kind { SIGNED, UNSIGNED, CHAR, BOOL, ENUM, POINTER }

    /** A struct or union; anonymous members have the empty name. */
    record Composite(List<Member> members) implements Value {}

    record Member(String name, Value value) {}

    /** An array; {@code truncated} when crash's 256-element limit cut it. */
    record Array(List<Value> elements, boolean truncated) implements Value {}

    /** A char array, printed as a string with escapes. */
    record Chars(byte[] bytes, boolean truncated) implements Value {}

    /** A pointer to char: its address and the string there (null when unreadable). */
    record CharPointer(long address, String symbol, byte[] string, boolean truncated) implements Value {}

    /** A value whose memory could not be read. */
    record Unreadable(long address, String reason) implements Value {}
}
