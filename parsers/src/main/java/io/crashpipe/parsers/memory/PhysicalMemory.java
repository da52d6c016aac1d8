package io.crashpipe.parsers.memory;

/**
 * Random access to a machine's physical memory. Every reader of kernel memory goes through
 * this interface, whether the bytes come from a local dump file or from page chunks that are
 * still arriving over Kafka: a missing page is a normal, typed outcome ({@link Unavailable}),
 * not an error, so callers can wait for it or finish partially.
 */
public interface PhysicalMemory {

    int pageSize();

    /**
     * Reads {@code len} bytes starting at physical address {@code paddr}.
     *
     * @return {@link ReadResult#OK} when every byte was read, otherwise the first
     *     {@link Unavailable} page met; {@code dst} is then only partly filled.
     */
    ReadResult tryRead(long paddr, byte[] dst, int off, int len);

    /** Like {@link #tryRead} but throws {@link MemoryFault} for an unavailable page. */
    default void read(long paddr, byte[] dst, int off, int len) {
        if (tryRead(paddr, dst, off, len) instanceof Unavailable u) {
            throw new MemoryFault(u);
        }
    }

    default byte[] read(long paddr, int len) {
        byte[] b = new byte[len];
        read(paddr, b, 0, len);
        return b;
    }
}
