package io.crashpipe.parsers.kernel;

/** A VMCOREINFO key that an extractor needs is not in the dump's note. */
public final class MissingVmcoreinfoException extends IllegalStateException {
    private final String key;

    public MissingVmcoreinfoException(String key) {
        super("VMCOREINFO has no " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
