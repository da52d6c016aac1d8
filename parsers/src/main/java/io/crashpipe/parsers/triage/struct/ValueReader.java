package io.crashpipe.parsers.triage.struct;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfEnumerator;
import io.crashpipe.parsers.btf.BtfMember;
import io.crashpipe.parsers.btf.BtfType;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Reads a value of a BTF type at a kernel address into a {@link Value} tree, with gdb's
 * conventions as crash sets them: integers in decimal (or hex with {@code -x}), chars with
 * their quoted character, enums by name, pointers in hex with {@code <symbol+offset>} when they
 * point into the kernel image, char pointers with their string, arrays cut after 256 elements.
 */
public final class ValueReader {
    /** crash sets gdb's {@code print elements} to 256 and its repeat threshold to "never". */
    static final int ELEMENT_LIMIT = 256;

    private final Btf btf;
    private final VirtualMemory memory;
    private final LongFunction<Optional<SymbolOffset>> symbols;
    private final boolean hex;

    public ValueReader(Btf btf, VirtualMemory memory, LongFunction<Optional<SymbolOffset>> symbols, boolean hex) {
        this.btf = btf;
        this.memory = memory;
        this.symbols = symbols;
        this.hex = hex;
    }

    /** The value of type {@code typeId} at {@code address}. */
    public Value read(int typeId, long address) {
        long size;
        try {
            size = btf.sizeOf(typeId);
        } catch (RuntimeException e) {
            size = 0;
        }
        byte[] bytes = new byte[(int) Math.min(size, 1 << 24)];
        if (memory.tryRead(address, bytes, 0, bytes.length) instanceof Unavailable u) {
            return new Value.Unreadable(address, u.describe());
        }
        return decode(typeId, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, address, 0, 0);
    }

    /** A bitfield or plain member inside {@code buf} at byte {@code off}. */
    private Value decode(int typeId, ByteBuffer buf, int off, long address, int bitShift, int bits) {
        BtfType t = btf.strip(typeId);
        return switch (t) {
            case BtfType.Int i -> integer(i, buf, off, bitShift, bits);
            case BtfType.Enumeration e -> enumeration(e, load(buf, off, e.size()), bitShift, bits);
            case BtfType.Ptr p -> pointer(p, buf.getLong(off));
            case BtfType.Composite c -> composite(c, buf, off, address);
            case BtfType.Array a -> array(a, buf, off, address);
            default -> new Value.Scalar("<" + btf.describe(t) + ">", 0, Value.Kind.UNSIGNED);
        };
    }

    private Value composite(BtfType.Composite c, ByteBuffer buf, int off, long address) {
        List<Value.Member> members = new ArrayList<>();
        for (BtfMember m : c.members()) {
            long bitOff = m.bitOffset();
            int bits = m.bitfieldSize();
            BtfType mt = btf.strip(m.type());
            if (bits == 0 && mt instanceof BtfType.Int i && (i.bitOffset() != 0 || i.bits() != i.size() * 8)) {
                bitOff += i.bitOffset();
                bits = i.bits();
            }
            int byteOff = (int) (bitOff / 8);
            int shift = (int) (bitOff % 8);
            if (bits != 0) {
                // A bitfield: read its storage unit from the byte holding its first bit.
                members.add(new Value.Member(m.name(), decode(m.type(), buf, off + byteOff, address + byteOff,
                        shift, bits)));
            } else {
                members.add(new Value.Member(m.name(), decode(m.type(), buf, off + byteOff, address + byteOff, 0, 0)));
            }
        }
        return new Value.Composite(List.copyOf(members));
    }

    private Value array(BtfType.Array a, ByteBuffer buf, int off, long address) {
        BtfType el = btf.strip(a.elementType());
        int elSize = (int) btf.sizeOf(a.elementType());
        if (a.length() == 0) {
            // A flexible array member: gdb shows where it starts (and a char one as a string).
            if (isChar(el)) {
                return charPointer(address);
            }
            return new Value.Scalar(String.format("0x%x", address), address, Value.Kind.POINTER);
        }
        int n = (int) Math.min(a.length(), ELEMENT_LIMIT);
        boolean truncated = a.length() > ELEMENT_LIMIT;
        if (isChar(el)) {
            byte[] s = new byte[n];
            buf.get(off, s);
            return new Value.Chars(s, truncated);
        }
        List<Value> els = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            els.add(decode(a.elementType(), buf, off + i * elSize, address + (long) i * elSize, 0, 0));
        }
        return new Value.Array(List.copyOf(els), truncated);
    }

    private Value integer(BtfType.Int i, ByteBuffer buf, int off, int bitShift, int bits) {
        int size = i.size();
        long raw = load(buf, off, bits == 0 ? size : Math.min(8, (bitShift + bits + 7) / 8));
        int width = bits == 0 ? size * 8 : bits;
        if (bits != 0) {
            raw = (raw >>> bitShift) & (width >= 64 ? -1L : (1L << width) - 1);
        } else if (i.bits() != 0 && i.bits() < size * 8) {
            raw &= (1L << i.bits()) - 1;
        }
        boolean signed = i.isSigned() || (isChar(i) && !i.name().contains("unsigned"));
        long value = signed && width < 64 ? (raw << (64 - width)) >> (64 - width) : raw;
        if ((i.encoding() & BtfType.Int.BOOL) != 0 || i.name().equals("_Bool")) {
            String text = value == 0 ? "false" : value == 1 ? "true" : Long.toString(value);
            return new Value.Scalar(text, raw, Value.Kind.BOOL);
        }
        if (isChar(i) && bits == 0) {
            return new Value.Scalar(number(value, raw, signed, width) + " " + GdbFormat.charLiteral((int) raw & 0xff),
                    raw, Value.Kind.CHAR);
        }
        return new Value.Scalar(number(value, raw, signed, width), raw, signed ? Value.Kind.SIGNED : Value.Kind.UNSIGNED);
    }

    private String number(long value, long raw, boolean signed, int width) {
        if (hex) {
            long masked = width >= 64 ? raw : raw & ((1L << width) - 1);
            return "0x" + Long.toHexString(masked);
        }
        return signed ? Long.toString(value) : Long.toUnsignedString(raw);
    }

    private Value enumeration(BtfType.Enumeration e, long raw, int bitShift, int bits) {
        int width = bits == 0 ? e.size() * 8 : bits;
        if (bits != 0) {
            raw = (raw >>> bitShift) & ((1L << width) - 1);
        } else if (width < 64) {
            raw &= (1L << width) - 1;
        }
        for (BtfEnumerator v : e.values()) {
            long ev = width < 64 ? v.value() & ((1L << width) - 1) : v.value();
            if (ev == raw) {
                return new Value.Scalar(v.name(), raw, Value.Kind.ENUM);
            }
        }
        long value = e.signed() && width < 64 ? (raw << (64 - width)) >> (64 - width) : raw;
        return new Value.Scalar(number(value, raw, e.signed(), width), raw, Value.Kind.ENUM);
    }

    private Value pointer(BtfType.Ptr p, long v) {
        BtfType target = btf.strip(p.type());
        if (v != 0 && isChar(target)) {
            return charPointer(v);
        }
        String sym = v == 0 ? "" : symbols.apply(v).map(s -> " <" + symbolText(s) + ">").orElse("");
        return new Value.Scalar(String.format("0x%x", v) + sym, v, Value.Kind.POINTER);
    }

    private Value charPointer(long v) {
        String sym = symbols.apply(v).map(s -> " <" + symbolText(s) + ">").orElse("");
        byte[] chunk = new byte[ELEMENT_LIMIT + 1];
        int n = 0;
        byte[] one = new byte[1];
        while (n <= ELEMENT_LIMIT) {
            if (memory.tryRead(v + n, one, 0, 1) instanceof Unavailable) {
                return new Value.CharPointer(v, sym, null, false);
            }
            if (one[0] == 0) {
                break;
            }
            chunk[n++] = one[0];
        }
        boolean truncated = n > ELEMENT_LIMIT;
        byte[] s = java.util.Arrays.copyOf(chunk, Math.min(n, ELEMENT_LIMIT));
        return new Value.CharPointer(v, sym, s, truncated);
    }

    static String symbolText(SymbolOffset s) {
        return s.offset() == 0 ? s.name() : s.name() + "+" + s.offset();
    }

    private static boolean isChar(BtfType t) {
        return t instanceof BtfType.Int i && i.size() == 1 && ((i.encoding() & BtfType.Int.CHAR) != 0
                || i.name().endsWith("char"));
    }

    private static long load(ByteBuffer buf, int off, int size) {
        long v = 0;
        for (int k = size - 1; k >= 0; k--) {
            v = (v << 8) | (off + k < buf.limit() ? buf.get(off + k) & 0xff : 0);
        }
        return v;
    }
}
