package io.crashpipe.parsers.kallsyms;

/** No kallsyms table in the dump: VMCOREINFO names none and the image scan accepted none (the message says why). */
public final class KallsymsNotFoundException extends IllegalStateException {
    public KallsymsNotFoundException(String reason) {
        super(reason);
    }
}
