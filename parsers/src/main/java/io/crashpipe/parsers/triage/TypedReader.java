package io.crashpipe.parsers.triage;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfField;
import io.crashpipe.parsers.btf.BtfLookupException;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.util.Optional;

/**
 * Reads members of kernel structures by their BTF path ({@code "file.f_path.dentry"}) at an
 * address: the one place the triage commands turn a layout plus an address into a value.
 * Integers are zero-extended; bitfields are shifted and masked.
 */
public final class TypedReader {
    private final Btf btf;
    private final VirtualMemory memory;

    public TypedReader(Btf btf, VirtualMemory memory) {
        this.btf = btf;
        this.memory = memory;
    }

    public Btf btf() {
        return btf;
    }

    public VirtualMemory memory() {
        return memory;
    }

    /** Byte offset of a member path such as {@code task_struct.files}. */
    public long offset(String path) {
        return btf.field(path).offset();
    }

    public boolean has(String path) {
        return btf.findField(path).isPresent();
    }

    /** The unsigned value of an integer, enum or pointer member at {@code base}. */
    public long u(long base, String path) {
        return value(base, btf.field(path));
    }

    /** Like {@link #u} but empty when the member does not exist in this kernel. */
    public Optional<Long> find(long base, String path) {
        return btf.findField(path).map(f -> value(base, f));
    }

    /** A signed integer member, sign-extended from its size. */
    public long s(long base, String path) {
        BtfField f = btf.field(path);
        long v = value(base, f);
        int bits = f.isBitfield() ? f.bitfieldSize() : (int) f.size() * 8;
        return bits >= 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    public long value(long base, BtfField f) {
        if (f.isBitfield()) {
            long first = f.bitOffset() / 8;
            int shift = (int) (f.bitOffset() % 8);
            int bytes = (shift + f.bitfieldSize() + 7) / 8;
            long raw = readLe(base + first, bytes);
            long mask = f.bitfieldSize() >= 64 ? -1L : (1L << f.bitfieldSize()) - 1;
            return (raw >>> shift) & mask;
        }
        if (f.size() > 8) {
            throw new BtfLookupException(f.path() + " is " + f.size() + " bytes, not a scalar");
        }
        return readLe(base + f.offset(), (int) f.size());
    }

    /** Little-endian unsigned integer of 1 to 8 bytes. */
    public long readLe(long addr, int bytes) {
        byte[] b = memory.read(addr, bytes);
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
