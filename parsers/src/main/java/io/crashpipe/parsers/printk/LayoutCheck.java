package io.crashpipe.parsers.printk;

/**
 * VMCOREINFO's printk layout keys checked before any record is read: a field placed outside its
 * structure (a damaged SIZE or OFFSET line) would otherwise read past the header buffer.
 */
final class LayoutCheck {
    /** No printk structure has ever been near this size; a larger SIZE line is damage. */
    static final long MAX_STRUCT = 4096;

    private LayoutCheck() {}

    static void fits(String struct, long size, long offset, int width) {
        if (size <= 0 || size > MAX_STRUCT || offset < 0 || offset + width > size) {
            throw new IllegalStateException("VMCOREINFO's printk layout does not fit: SIZE(" + struct + ")=" + size
                    + " but a field at offset " + offset + " needs " + (offset + width) + " bytes");
        }
    }
}
