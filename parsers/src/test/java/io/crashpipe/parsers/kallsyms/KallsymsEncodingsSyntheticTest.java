package io.crashpipe.parsers.kallsyms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every kallsyms layout the kernel has published through VMCOREINFO (6.0 onwards), built as
 * synthetic memory images from scripts/kallsyms.c's documented output:
 * <ul>
 * <li>6.0: one length byte per name; tables as offsets from {@code kallsyms_relative_base}
 *     (with or without CONFIG_KALLSYMS_ABSOLUTE_PERCPU) or absolute {@code kallsyms_addresses};
 * <li>6.1: "big" symbols, a length of 128 tokens or more takes two bytes (ULEB128);
 * <li>6.2: {@code kallsyms_seqs_of_names} appears (a lookup index: not needed to decode);
 * <li>6.11: absolute {@code kallsyms_addresses} removed; 6.15: ABSOLUTE_PERCPU removed;
 * <li>7.0: {@code kallsyms_relative_base} removed, each offset is relative to its own entry.
 * </ul>
 */
class KallsymsEncodingsSyntheticTest {
    static final long TEXT = 0xffffffff81000000L;
    static final long TABLES = 0xffffffff82000000L;
    static final long NUM_SYMS = TABLES;
    static final long RELATIVE_BASE = TABLES + 0x10;
    static final long TOKEN_INDEX = TABLES + 0x1000;
    static final long TOKEN_TABLE = TABLES + 0x2000;
    static final long NAMES = TABLES + 0x4000;
    static final long OFFSETS = TABLES + 0x8000;
    static final String LONG_NAME = "rust_" + "x".repeat(195); // 200 characters: a 6.1+ "big" symbol

    /** Tokens: 1 = "sym_", 2 = "ab", every other byte value its own character. */
    static String token(int t) {
        return switch (t) {
            case 0 -> "\u00ff\u00fe"; // never used by the names below
            case 1 -> "sym_";
            case 2 -> "ab";
            default -> String.valueOf((char) t);
        };
    }

    record Sym(char type, String name, long address) {}

    static final List<Sym> KERNEL = List.of(
            new Sym('T', "_text", TEXT),
            new Sym('T', "_stext", TEXT + 0x1000),
            new Sym('T', "sym_one", TEXT + 0x1100),
            new Sym('t', "sym_two", TEXT + 0x1180),
            new Sym('t', "sym_alias", TEXT + 0x1180),
            new Sym('T', "abab", TEXT + 0x1200),
            new Sym('T', LONG_NAME, TEXT + 0x2000),
            new Sym('B', "_end", TEXT + 0x200000));

    static final List<Sym> PERCPU = List.of(
            new Sym('A', "fixed_percpu_data", 0), new Sym('D', "cpu_number", 0x2c));

    static byte[] encodeName(Sym s) {
        String full = s.type() + s.name();
        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < full.length(); ) {
            if (i > 0 && full.startsWith("sym_", i)) {
                tokens.add(1);
                i += 4;
            } else if (i > 0 && full.startsWith("ab", i)) {
                tokens.add(2);
                i += 2;
            } else {
                tokens.add((int) full.charAt(i++));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = tokens.size();
        if (n >= 128) {
            out.write(0x80 | (n & 0x7f));
            out.write(n >>> 7);
        } else {
            out.write(n);
        }
        tokens.forEach(out::write);
        return out.toByteArray();
    }

    enum Layout { ABSOLUTE, BASE_RELATIVE, ABSOLUTE_PERCPU, PC_RELATIVE }

    /** Writes the tables into memory and returns the VMCOREINFO text describing them. */
    static String image(SparseMemory m, List<Sym> syms, Layout layout, String release) {
        m.putInt(NUM_SYMS, syms.size());
        int pos = 0;
        for (int t = 0; t < 256; t++) {
            m.putShort(TOKEN_INDEX + 2L * t, pos);
            byte[] text = token(t).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            m.put(TOKEN_TABLE + pos, text).put(TOKEN_TABLE + pos + text.length, new byte[1]);
            pos += text.length + 1;
        }
        long at = NAMES;
        for (Sym s : syms) {
            byte[] name = encodeName(s);
            m.put(at, name);
            at += name.length;
        }
        long base = TEXT;
        for (int i = 0; i < syms.size(); i++) {
            long a = syms.get(i).address();
            long entry = OFFSETS + 4L * i;
            switch (layout) {
                case ABSOLUTE -> m.putLong(OFFSETS + 8L * i, a);
                case BASE_RELATIVE -> m.putInt(entry, (int) (a - base));
                case ABSOLUTE_PERCPU -> m.putInt(entry, a < base ? (int) a : (int) (base - 1 - a));
                case PC_RELATIVE -> m.putInt(entry, Math.toIntExact(a - entry));
            }
        }
        m.putLong(RELATIVE_BASE, base);
        StringBuilder vi = new StringBuilder("OSRELEASE=" + release + "\n")
                .append("SYMBOL(_stext)=").append(Long.toHexString(TEXT + 0x1000)).append('\n')
                .append("SYMBOL(kallsyms_names)=").append(Long.toHexString(NAMES)).append('\n')
                .append("SYMBOL(kallsyms_num_syms)=").append(Long.toHexString(NUM_SYMS)).append('\n')
                .append("SYMBOL(kallsyms_token_table)=").append(Long.toHexString(TOKEN_TABLE)).append('\n')
                .append("SYMBOL(kallsyms_token_index)=").append(Long.toHexString(TOKEN_INDEX)).append('\n');
        if (layout == Layout.ABSOLUTE) {
            vi.append("SYMBOL(kallsyms_addresses)=").append(Long.toHexString(OFFSETS)).append('\n');
        } else {
            vi.append("SYMBOL(kallsyms_offsets)=").append(Long.toHexString(OFFSETS)).append('\n');
            if (layout != Layout.PC_RELATIVE) {
                vi.append("SYMBOL(kallsyms_relative_base)=").append(Long.toHexString(RELATIVE_BASE)).append('\n');
            }
        }
        return vi.toString();
    }

    static Kallsyms decode(List<Sym> syms, Layout layout, String release) {
        SparseMemory m = new SparseMemory();
        Vmcoreinfo vi = Vmcoreinfo.parse(image(m, syms, layout, release));
        assertTrue(KallsymsReader.available(vi));
        return KallsymsReader.read(m.asVirtual(), vi);
    }

    static void assertKernelSymbols(Kallsyms k) {
        for (Sym s : KERNEL) {
            if (!s.name().equals("sym_alias")) {
                assertEquals(s.address(), k.address(s.name()).orElseThrow(), s.name());
            }
        }
        assertEquals('t', k.symbol("sym_two").orElseThrow().type());
        assertEquals("sym_one+0x0/0x80", k.symbolize(TEXT + 0x1100).orElseThrow().toString());
        // Aliases share an address: the first in table order names it, sized to the next address.
        assertEquals("sym_two+0x10/0x80", k.symbolize(TEXT + 0x1190).orElseThrow().toString());
        assertEquals("abab+0x5/0xe00", k.symbolize(TEXT + 0x1205).orElseThrow().toString());
        assertEquals(Optional.empty(), k.symbolize(TEXT - 1)); // below _text
        assertEquals(Optional.empty(), k.symbolize(TEXT + 0x200000)); // _end and beyond
    }

    @Test
    void synthetic60AbsoluteAddressesTable() {
        List<Sym> syms = KERNEL.stream().filter(s -> s.name().length() < 100).toList();
        Kallsyms k = decode(syms, Layout.ABSOLUTE, "6.0.0");
        assertEquals(AddressEncoding.ABSOLUTE, k.encoding());
        assertEquals(syms.size(), k.size());
        assertEquals("sym_one+0x0/0x80", k.symbolize(TEXT + 0x1100).orElseThrow().toString());
    }

    @Test
    void synthetic60SingleByteLengthEvenAt128Tokens() {
        // Before 6.1 no length byte was continued: 0x80 is a plain 128.
        String name = "n".repeat(127);
        List<Sym> syms = List.of(KERNEL.get(0), KERNEL.get(1), new Sym('T', name, TEXT + 0x3000), KERNEL.get(7));
        SparseMemory m = new SparseMemory();
        String vi = image(m, List.of(), Layout.BASE_RELATIVE, "6.0.19"); // tables, then names by hand
        long at = NAMES;
        for (Sym s : syms) {
            byte[] full = (s.type() + s.name()).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            m.put(at, new byte[] {(byte) full.length}).put(at + 1, full);
            at += 1 + full.length;
            m.putInt(OFFSETS + 4L * syms.indexOf(s), (int) (s.address() - TEXT));
        }
        m.putInt(NUM_SYMS, syms.size());
        Kallsyms k = KallsymsReader.read(m.asVirtual(), Vmcoreinfo.parse(vi));
        assertEquals(TEXT + 0x3000, k.address(name).orElseThrow());
        assertEquals(TEXT + 0x200000, k.address("_end").orElseThrow());
    }

    @Test
    void synthetic61BigSymbolsBaseRelative() {
        Kallsyms k = decode(KERNEL, Layout.BASE_RELATIVE, "6.1.0");
        assertEquals(AddressEncoding.BASE_RELATIVE, k.encoding());
        assertKernelSymbols(k);
        assertEquals(200, LONG_NAME.length());
        assertEquals(TEXT + 0x2000, k.address(LONG_NAME).orElseThrow());
    }

    @Test
    void synthetic612AbsolutePercpuKeepsPerCpuOffsetsAbsolute() {
        List<Sym> syms = new ArrayList<>(PERCPU);
        syms.addAll(KERNEL);
        Kallsyms k = decode(syms, Layout.ABSOLUTE_PERCPU, "6.12.0");
        assertEquals(AddressEncoding.ABSOLUTE_PERCPU, k.encoding());
        assertKernelSymbols(k);
        assertEquals(0L, k.address("fixed_percpu_data").orElseThrow());
        assertEquals(0x2cL, k.address("cpu_number").orElseThrow());
        assertEquals('A', k.symbol("fixed_percpu_data").orElseThrow().type());
    }

    @Test
    void synthetic615BaseRelativeWithoutAbsolutePercpu() {
        Kallsyms k = decode(KERNEL, Layout.BASE_RELATIVE, "6.15.0");
        assertEquals(AddressEncoding.BASE_RELATIVE, k.encoding());
        assertKernelSymbols(k);
    }

    @Test
    void synthetic70EntryRelativeOffsetsWithoutRelativeBase() {
        Kallsyms k = decode(KERNEL, Layout.PC_RELATIVE, "7.0.0");
        assertEquals(AddressEncoding.PC_RELATIVE, k.encoding());
        assertKernelSymbols(k);
    }

    @Test
    void syntheticOffsetsThatMatchNoEncodingAreRejectedNamingStext() {
        SparseMemory m = new SparseMemory();
        String vi = image(m, KERNEL, Layout.BASE_RELATIVE, "6.12.0")
                .replace("SYMBOL(_stext)=" + Long.toHexString(TEXT + 0x1000), "SYMBOL(_stext)=ffffffff81234000");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KallsymsReader.read(m.asVirtual(), Vmcoreinfo.parse(vi)));
        assertTrue(e.getMessage().contains("_stext 0xffffffff81234000"), e.getMessage());
    }
}
