package io.crashpipe.parsers.btf;

/**
 * The dump's kernel carries no usable BTF, so structure layouts are unknown. Extractors that
 * need layouts stop with this rather than assume one kernel's offsets.
 */
public final class NoBtfException extends IllegalStateException {
    public NoBtfException(String message) {
        super(message);
    }
}
