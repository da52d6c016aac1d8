package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.kernel.SparseMemory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes kallsyms tables into a synthetic kernel image the way scripts/kallsyms.c lays them out
 * in each era, for the layouts no fixture has. Every byte value that occurs in a name is its own
 * token (so "0".."9" sit at 0x30..0x39, as in real kernels), a few unused values stand for
 * common substrings, and the rest are fillers, as the kernel's compressor leaves them.
 */
final class SyntheticKallsyms {
    static final long TEXT = 0xffffffff81000000L;
    static final long STEXT = TEXT;
    static final long TABLES = 0xffffffff82000000L;
    static final long DATA = 0xffffffff83000000L;

    /** The order of the tables (scripts/kallsyms.c history). */
    enum Order {
        /** 2.6 to 6.1: addresses/offsets, relative_base, num_syms, names, markers, token_table, token_index. */
        ADDRESSES_FIRST,
        /** 6.2 and 6.3: as before with seqs_of_names between markers and token_table. */
        SEQS_BEFORE_TOKENS,
        /** 6.4+: num_syms, names, markers, token_table, token_index, offsets, relative_base, seqs_of_names. */
        ADDRESSES_AFTER_TOKENS
    }

    record Sym(char type, String name, long address) {}

    /** Where the writer put each table, to compare with what the scan finds. */
    record Written(long numSyms, long names, long markers, long tokenTable, long tokenIndex, long addresses,
            long relativeBase, long seqs, String vmcoreinfo) {}

    static final String[] SUBSTRINGS = {"sym_", "init", "_fn", "ab"};

    final List<Sym> symbols;
    Order order = Order.ADDRESSES_FIRST;
    AddressEncoding encoding = AddressEncoding.ABSOLUTE_PERCPU;
    int markerWidth = 4;
    int align = 8;
    boolean twoByteCounts = true;
    boolean seqs;

    SyntheticKallsyms(List<Sym> symbols) {
        this.symbols = symbols.stream().sorted(Comparator.comparingLong(s -> s.address() ^ Long.MIN_VALUE)).toList();
    }

    /** 700 text symbols, per-CPU symbols, and the data symbols VMCOREINFO names. */
    static List<Sym> kernel(boolean percpu, String... extraNames) {
        List<Sym> out = new ArrayList<>();
        if (percpu) {
            out.add(new Sym('A', "fixed_percpu_data", 0));
            out.add(new Sym('D', "cpu_number", 0x40));
        }
        out.add(new Sym('T', "_text", TEXT));
        out.add(new Sym('T', "_stext", STEXT));
        for (int i = 0; i < 700; i++) {
            String name = switch (i % 4) {
                case 0 -> "sym_" + i;
                case 1 -> "init_fn_" + i;
                case 2 -> "do_abc_" + i + "_xyz";
                default -> "Zz" + Integer.toHexString(i * 7919) + "_q";
            };
            out.add(new Sym(i % 3 == 0 ? 't' : 'T', name, TEXT + 0x1000 + 0x40L * i));
        }
        for (int i = 0; i < extraNames.length; i++) {
            out.add(new Sym('T', extraNames[i], TEXT + 0x100000 + 0x100L * i));
        }
        out.add(new Sym('T', "_etext", TEXT + 0x200000));
        out.add(new Sym('D', "init_uts_ns", DATA));
        out.add(new Sym('D', "prb", DATA + 0x1000));
        out.add(new Sym('B', "clear_seq", DATA + 0x2000));
        out.add(new Sym('B', "_end", DATA + 0x3000));
        return out;
    }

    String vmcoreinfo() {
        return "OSRELEASE=9.99.0-synthetic\n"
                + "SYMBOL(_stext)=" + Long.toHexString(STEXT) + "\n"
                + "SYMBOL(init_uts_ns)=" + Long.toHexString(DATA) + "\n"
                + "SYMBOL(prb)=" + Long.toHexString(DATA + 0x1000) + "\n"
                + "SYMBOL(clear_seq)=" + Long.toHexString(DATA + 0x2000) + "\n"
                + "SYMBOL(mem_section)=ffff888000001000\n";
    }

    /** Token number for each byte value: used characters are themselves, then substrings, then fillers. */
    String[] tokens() {
        boolean[] used = new boolean[256];
        for (Sym s : symbols) {
            for (char c : (s.type() + s.name()).toCharArray()) {
                used[c] = true;
            }
        }
        String[] t = new String[256];
        int next = 0;
        for (int b = 255; b >= 0; b--) { // the kernel fills free slots from 255 down
            if (used[b]) {
                t[b] = String.valueOf((char) b);
            } else if (next < SUBSTRINGS.length) {
                t[b] = SUBSTRINGS[next++];
            } else {
                t[b] = "~" + Integer.toHexString(b) + "~"; // never occurs in a name
            }
        }
        return t;
    }

    byte[] encode(Sym s, String[] tokens) {
        String full = s.type() + s.name();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < full.length(); ) {
            int best = full.charAt(i);
            int bestLen = 1;
            for (int t = 0; t < 256; t++) {
                if (tokens[t].length() > bestLen && !tokens[t].startsWith("~") && full.startsWith(tokens[t], i)) {
                    best = t;
                    bestLen = tokens[t].length();
                }
            }
            out.add(best);
            i += bestLen;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int n = out.size();
        if (twoByteCounts && n > 0x7f) {
            b.write(0x80 | (n & 0x7f));
            b.write(n >>> 7);
        } else {
            b.write(n);
        }
        out.forEach(b::write);
        return b.toByteArray();
    }

    private long cursor;

    private long label() {
        cursor = (cursor + align - 1) & -align;
        return cursor;
    }

    /** Writes the tables and a decoy run of digit tokens in the text before them. */
    Written write(SparseMemory m) {
        String[] tokens = tokens();
        int n = symbols.size();
        // Text: a few pages, one with "0".."9" strings that are not a token table.
        m.put(TEXT, new byte[4096 * 4]);
        m.put(TEXT + 0x2100, "\u00000\u00001\u00002\u00003\u00004\u00005\u00006\u00007\u00008\u00009\u0000junk"
                .getBytes(StandardCharsets.ISO_8859_1));
        m.put(DATA, new byte[4096 * 4]);
        cursor = TABLES;
        long addresses = -1;
        long relativeBase = -1;
        long seqsAt = -1;
        if (order != Order.ADDRESSES_AFTER_TOKENS) {
            addresses = label();
            relativeBase = writeAddresses(m);
        }
        long numSyms = label();
        m.putInt(numSyms, n);
        cursor += 4;
        long names = label();
        long[] markers = new long[(n + 255) / 256];
        for (int i = 0; i < n; i++) {
            if (i % 256 == 0) {
                markers[i / 256] = cursor - names;
            }
            byte[] e = encode(symbols.get(i), tokens);
            m.put(cursor, e);
            cursor += e.length;
        }
        long markersAt = label();
        for (long v : markers) {
            if (markerWidth == 8) {
                m.putLong(cursor, v);
            } else {
                m.putInt(cursor, (int) v);
            }
            cursor += markerWidth;
        }
        if (order == Order.SEQS_BEFORE_TOKENS) {
            seqsAt = writeSeqs(m);
        }
        long tokenTable = label();
        int[] offsets = new int[256];
        for (int t = 0; t < 256; t++) {
            offsets[t] = (int) (cursor - tokenTable);
            byte[] b = tokens[t].getBytes(StandardCharsets.ISO_8859_1);
            m.put(cursor, b).put(cursor + b.length, new byte[1]);
            cursor += b.length + 1;
        }
        long tokenIndex = label();
        for (int t = 0; t < 256; t++) {
            m.putShort(cursor, offsets[t]);
            cursor += 2;
        }
        if (order == Order.ADDRESSES_AFTER_TOKENS) {
            addresses = label();
            relativeBase = writeAddresses(m);
            if (seqs) {
                seqsAt = writeSeqs(m);
            }
        }
        m.putLong(cursor + 64, 0x1122334455667788L); // something after the tables
        return new Written(numSyms, names, markersAt, tokenTable, tokenIndex, addresses, relativeBase, seqsAt,
                vmcoreinfo());
    }

    /** The address table at the cursor (and relative_base after it); returns relative_base's address or -1. */
    private long writeAddresses(SparseMemory m) {
        long start = cursor;
        long base = symbols.stream().filter(s -> s.type() != 'A' && !isPerCpu(s)).mapToLong(Sym::address)
                .min().orElseThrow();
        for (int i = 0; i < symbols.size(); i++) {
            long a = symbols.get(i).address();
            switch (encoding) {
                case ABSOLUTE -> {
                    m.putLong(start + 8L * i, a);
                }
                case BASE_RELATIVE -> m.putInt(start + 4L * i, (int) (a - base));
                case ABSOLUTE_PERCPU -> m.putInt(start + 4L * i,
                        isPerCpu(symbols.get(i)) ? (int) a : (int) (base - a - 1));
                case PC_RELATIVE -> m.putInt(start + 4L * i, Math.toIntExact(a - (start + 4L * i)));
            }
        }
        cursor = start + (long) symbols.size() * (encoding == AddressEncoding.ABSOLUTE ? 8 : 4);
        if (encoding == AddressEncoding.BASE_RELATIVE || encoding == AddressEncoding.ABSOLUTE_PERCPU) {
            long at = label();
            m.putLong(at, base);
            cursor += 8;
            return at;
        }
        return -1;
    }

    private static boolean isPerCpu(Sym s) {
        return Long.compareUnsigned(s.address(), 0x100000) < 0;
    }

    private long writeSeqs(SparseMemory m) {
        long at = label();
        int[] byName = IntStream.range(0, symbols.size()).boxed()
                .sorted(Comparator.comparing((Integer i) -> symbols.get(i).name()).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        for (int seq : byName) {
            m.put(cursor, new byte[] {(byte) (seq >>> 16), (byte) (seq >>> 8), (byte) seq});
            cursor += 3;
        }
        return at;
    }
}
