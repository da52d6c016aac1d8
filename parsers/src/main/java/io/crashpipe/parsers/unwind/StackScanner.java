package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback when ORC cannot continue: every stack word that points into kernel text, as
 * crash's {@code bt -t} lists them. Such words may be left over from earlier calls, so the frames
 * are marked unreliable. Pages missing from the dump are skipped.
 */
public final class StackScanner {
    private static final int PAGE = 4096;

    private final VirtualMemory memory;
    private final Symbolizer symbols;

    public StackScanner(VirtualMemory memory, Symbolizer symbols) {
        this.memory = memory;
        this.symbols = symbols;
    }

    /** Text addresses stored in {@code [from, to)} (8-byte aligned slots), lowest slot first. */
    public List<Frame> scan(long from, long to) {
        List<Frame> out = new ArrayList<>();
        long start = (from + 7) & ~7L;
        byte[] page = new byte[PAGE];
        for (long at = start; Long.compareUnsigned(at, to) < 0; ) {
            long pageEnd = (at | (PAGE - 1)) + 1;
            int n = (int) (Math.min(pageEnd, to) - at);
            if (memory.tryRead(at, page, 0, n) instanceof Unavailable u) {
                MemoryFault.propagateIfWaiting(new MemoryFault(u)); // a stack page still to come: wait
                at = pageEnd;
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(page, 0, n).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off + 8 <= n; off += 8) {
                long v = b.getLong(off);
                if (v < 0) {
                    // A return address is code, and never the first byte of a function.
                    if (!symbols.isText(v - 1) || symbols.symbolize(v).filter(x -> x.offset() > 0).isEmpty()) {
                        continue;
                    }
                    Frame f = Frame.named(symbols, v, at + off, true, false);
                    if (f.symbol().isPresent()) {
                        out.add(f);
                    }
                }
            }
            at += n;
        }
        return out;
    }
}
