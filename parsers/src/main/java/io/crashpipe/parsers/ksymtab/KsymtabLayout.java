package io.crashpipe.parsers.ksymtab;

/**
 * The shapes {@code struct kernel_symbol} has had (include/linux/export.h and its successors):
 * with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (x86_64 and arm64 since Linux 4.19) each field is a
 * 32-bit offset from the field itself; otherwise a 64-bit pointer. Linux 5.4 added the
 * namespace field, making entries 12 or 24 bytes; before, 8 or 16.
 */
public enum KsymtabLayout {
    PREL32_NAMESPACE(12, true),
    PREL32(8, true),
    ABSOLUTE_NAMESPACE(24, false),
    ABSOLUTE(16, false);

    private final int stride;
    private final boolean relative;

    KsymtabLayout(int stride, boolean relative) {
        this.stride = stride;
        this.relative = relative;
    }

    /** Bytes per entry. */
    public int stride() {
        return stride;
    }

    /** Fields are self-relative 32-bit offsets. */
    public boolean relative() {
        return relative;
    }

    /** Where the name field sits in an entry (right after the value field). */
    public int nameField() {
        return relative ? 4 : 8;
    }
}
