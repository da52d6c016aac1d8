package io.crashpipe.parsers.io;

import java.io.IOException;

/**
 * The input is not what its format promises. The message always says which file, at which
 * offset, what was expected and what was found, so a user can act on it without a debugger.
 */
public final class DumpFormatException extends IOException {
    private final String file;
    private final long offset;

    public DumpFormatException(String file, long offset, String expected, String found) {
        super(file + ": at offset " + offset + " (0x" + Long.toHexString(offset) + "): expected "
                + expected + (found == null ? "" : ", found " + found));
        this.file = file;
        this.offset = offset;
    }

    public String file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
