package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.memory.CString;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bytes of one kernel object (a {@code task_struct}, a {@code struct module}) read in one go,
 * page by page, so that a page missing from the dump costs only the fields that lie in it. Each
 * field comes back as a {@link Fact}: its value, or the missing page that hides it. A page that
 * has not arrived yet is never recorded: it propagates, as {@link Fact#read} does.
 */
public final class ObjectBytes {
    /** Reads are split at this granularity (the smallest page size of the architectures served). */
    private static final int CHUNK = 4096;

    private final long address;
    private final ByteBuffer bytes;
    private final List<Gap> gaps;

    private record Gap(int from, int to, Unavailable why) {}

    private ObjectBytes(long address, byte[] bytes, List<Gap> gaps) {
        this.address = address;
        this.bytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.gaps = gaps;
    }

    /** {@code len} bytes at {@code address}; pages absent for good become gaps, not errors. */
    public static ObjectBytes read(VirtualMemory mem, long address, int len) {
        byte[] b = new byte[len];
        List<Gap> gaps = new ArrayList<>();
        int done = 0;
        while (done < len) {
            long at = address + done;
            int n = (int) Math.min(len - done, CHUNK - Long.remainderUnsigned(at, CHUNK));
            if (mem.tryRead(at, b, done, n) instanceof Unavailable u) {
                if (u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                    throw new MemoryFault(u);
                }
                gaps.add(new Gap(done, done + n, u));
            }
            done += n;
        }
        return new ObjectBytes(address, b, List.copyOf(gaps));
    }

    public long address() {
        return address;
    }

    /** Every byte was read. */
    public boolean complete() {
        return gaps.isEmpty();
    }

    /** Not one byte could be read. */
    public boolean empty() {
        return gaps.stream().mapToInt(g -> g.to() - g.from()).sum() == bytes.capacity();
    }

    /** Why the object is not whole (its first missing page), if it is not. */
    public Optional<String> missing() {
        return gaps.isEmpty() ? Optional.empty() : Optional.of(gaps.get(0).why().describe());
    }

    private Fact<ByteBuffer> at(long offset, int len) {
        for (Gap g : gaps) {
            if (offset < g.to() && offset + len > g.from()) {
                return Fact.unknown(g.why().describe());
            }
        }
        if (offset < 0 || offset + len > bytes.capacity()) {
            throw new IllegalArgumentException("field at +" + offset + " (" + len + " bytes) outside an object of "
                    + bytes.capacity() + " bytes at 0x" + Long.toHexString(address));
        }
        return Fact.known(bytes);
    }

    public Fact<Long> u64(long offset) {
        return at(offset, 8).map(b -> b.getLong((int) offset));
    }

    public Fact<Long> u32(long offset) {
        return at(offset, 4).map(b -> Integer.toUnsignedLong(b.getInt((int) offset)));
    }

    public Fact<Integer> s32(long offset) {
        return at(offset, 4).map(b -> b.getInt((int) offset));
    }

    /** An unsigned integer of {@code size} bytes (1, 2, 4 or 8). */
    public Fact<Long> unsigned(long offset, int size) {
        return at(offset, size).map(b -> switch (size) {
            case 1 -> (long) (b.get((int) offset) & 0xff);
            case 2 -> (long) (b.getShort((int) offset) & 0xffff);
            case 4 -> Integer.toUnsignedLong(b.getInt((int) offset));
            case 8 -> b.getLong((int) offset);
            default -> throw new IllegalArgumentException("no " + size + "-byte integers");
        });
    }

    /** A NUL-terminated string in a field of {@code max} bytes. */
    public Fact<String> cString(long offset, int max) {
        return at(offset, max).map(b -> CString.decode(b, (int) offset, max));
    }
}
