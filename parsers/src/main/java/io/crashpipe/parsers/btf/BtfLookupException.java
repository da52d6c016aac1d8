package io.crashpipe.parsers.btf;

/**
 * A question the BTF cannot answer: no such type, no such member, a path through something
 * that is not a struct. The message names the type and path so the caller can report which
 * kernel layout it expected; callers that probe for renamed fields use the Optional queries.
 */
public final class BtfLookupException extends IllegalStateException {
    public BtfLookupException(String message) {
        super(message);
    }
}
