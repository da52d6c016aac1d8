package io.crashpipe.parsers.kernel;

/**
 * Reads a long run of kernel memory front to back through a fixed-size window, for tables whose
 * length is only known once they have been read (kallsyms names, token tables). A missing page
 * throws {@link io.crashpipe.parsers.memory.MemoryFault} naming its address.
 */
public final class SequentialReader {
    private static final int WINDOW = 64 * 1024;

    private final VirtualMemory memory;
    private final byte[] window = new byte[WINDOW];
    private long windowStart;
    private int windowLength;
    private long position;

    public SequentialReader(VirtualMemory memory, long start) {
        this.memory = memory;
        this.position = start;
        this.windowStart = start;
    }

    public long position() {
        return position;
    }

    public int u8() {
        if (position < windowStart || position >= windowStart + windowLength) {
            fill();
        }
        return window[(int) (position++ - windowStart)] & 0xff;
    }

    public int u16() {
        return u8() | u8() << 8;
    }

    public int s32() {
        return u16() | u16() << 16;
    }

    public long u64() {
        return (s32() & 0xffffffffL) | ((long) s32()) << 32;
    }

    private void fill() {
        // A window ends on a page boundary. When read-ahead reaches a page that is not available,
        // fall back to the current page alone: the table may end before that page.
        windowStart = position;
        int toPageEnd = 4096 - (int) (position & 4095);
        int n = WINDOW - (int) (position & 4095);
        if (memory.tryRead(position, window, 0, n) instanceof io.crashpipe.parsers.memory.Unavailable) {
            n = toPageEnd;
            memory.read(position, window, 0, n);
        }
        windowLength = n;
    }
}
