package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.kernel.KernelVersion;
import io.crashpipe.parsers.kernel.SequentialReader;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Decodes kallsyms from kernel memory, using only the table addresses VMCOREINFO publishes
 * (Linux 6.0 onwards: kallsyms_names, kallsyms_num_syms, kallsyms_token_table,
 * kallsyms_token_index, and kallsyms_offsets [+ kallsyms_relative_base] or kallsyms_addresses).
 *
 * <p>Names are compressed: each entry is a token count followed by that many byte-sized token
 * numbers; {@code kallsyms_token_index[t]} is the offset of token {@code t}'s NUL-terminated text
 * in {@code kallsyms_token_table}. The first decoded character is the symbol type. Since 6.1
 * ("big" symbols, for Rust) a count with bit 7 set continues in a second byte (7 low bits + 8
 * high bits). Before 6.1 no name could reach 128 tokens, so the two readings only differ on
 * 6.0, which is told apart by its release number. {@code kallsyms_seqs_of_names} (6.2+) and
 * {@code kallsyms_markers} are lookup accelerators that a full decode does not need.
 */
public final class KallsymsReader {
    private KallsymsReader() {}

    /** True when the note carries the kallsyms tables (Linux 6.0 and later with CONFIG_KALLSYMS). */
    public static boolean available(Vmcoreinfo vi) {
        return vi.symbol("kallsyms_names").isPresent() && vi.symbol("kallsyms_num_syms").isPresent()
                && vi.symbol("kallsyms_token_table").isPresent() && vi.symbol("kallsyms_token_index").isPresent()
                && (vi.symbol("kallsyms_offsets").isPresent() || vi.symbol("kallsyms_addresses").isPresent());
    }

    public static Kallsyms read(VirtualMemory mem, Vmcoreinfo vi) {
        int count = (int) mem.u32(vi.requireSymbol("kallsyms_num_syms"));
        if (count <= 0 || count > 10_000_000) {
            throw new IllegalStateException("kallsyms_num_syms at 0x"
                    + Long.toHexString(vi.requireSymbol("kallsyms_num_syms")) + " is " + count
                    + ", expected a symbol count between 1 and 10000000");
        }
        String[] tokens = readTokens(mem, vi.requireSymbol("kallsyms_token_table"),
                vi.requireSymbol("kallsyms_token_index"));
        String[] names = new String[count];
        char[] types = new char[count];
        boolean bigSymbols = !vi.kernelVersion().equals(KernelVersion.UNKNOWN)
                ? vi.kernelVersion().atLeast(6, 1) : true;
        decodeNames(mem, vi.requireSymbol("kallsyms_names"), tokens, bigSymbols, names, types);
        Decoded d = decodeAddresses(mem, vi, names);
        return new Kallsyms(names, types, d.addresses, d.encoding);
    }

    private static String[] readTokens(VirtualMemory mem, long table, long index) {
        String[] tokens = new String[256];
        SequentialReader idx = new SequentialReader(mem, index);
        int[] offsets = new int[256];
        for (int i = 0; i < 256; i++) {
            offsets[i] = idx.u16();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            SequentialReader r = new SequentialReader(mem, table + offsets[i]);
            sb.setLength(0);
            for (int c = r.u8(); c != 0; c = r.u8()) {
                sb.append((char) c);
                if (sb.length() > 1024) {
                    throw new IllegalStateException("kallsyms token " + i + " at 0x"
                            + Long.toHexString(table + offsets[i]) + " is not NUL-terminated within 1024 bytes");
                }
            }
            tokens[i] = sb.toString();
        }
        return tokens;
    }

    private static void decodeNames(VirtualMemory mem, long namesAddr, String[] tokens, boolean bigSymbols,
            String[] names, char[] types) {
        SequentialReader r = new SequentialReader(mem, namesAddr);
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < names.length; i++) {
            int len = r.u8();
            if (bigSymbols && (len & 0x80) != 0) {
                len = (len & 0x7f) | (r.u8() << 7);
            }
            sb.setLength(0);
            for (int t = 0; t < len; t++) {
                sb.append(tokens[r.u8()]);
            }
            if (sb.isEmpty()) {
                throw new IllegalStateException("kallsyms name " + i + " at 0x" + Long.toHexString(r.position())
                        + " is empty; the names table does not decode");
            }
            types[i] = sb.charAt(0);
            names[i] = latin1ToUtf8(sb.substring(1));
        }
    }

    /** Token bytes are raw name bytes; Rust symbols may carry UTF-8. */
    private static String latin1ToUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return s;
    }

    private record Decoded(long[] addresses, AddressEncoding encoding) {}

    private static Decoded decodeAddresses(VirtualMemory mem, Vmcoreinfo vi, String[] names) {
        int n = names.length;
        long[] addresses = new long[n];
        OptionalLong absolute = vi.symbol("kallsyms_addresses");
        if (absolute.isPresent()) {
            SequentialReader r = new SequentialReader(mem, absolute.getAsLong());
            for (int i = 0; i < n; i++) {
                addresses[i] = r.u64();
            }
            return new Decoded(addresses, AddressEncoding.ABSOLUTE);
        }
        long offsetsAddr = vi.requireSymbol("kallsyms_offsets");
        int[] raw = new int[n];
        SequentialReader r = new SequentialReader(mem, offsetsAddr);
        for (int i = 0; i < n; i++) {
            raw[i] = r.s32();
        }
        int stext = indexOf(names, "_stext");
        OptionalLong expected = vi.symbol("_stext");
        OptionalLong baseSym = vi.symbol("kallsyms_relative_base");
        AddressEncoding[] candidates = baseSym.isPresent()
                ? new AddressEncoding[] {AddressEncoding.ABSOLUTE_PERCPU, AddressEncoding.BASE_RELATIVE}
                : new AddressEncoding[] {AddressEncoding.PC_RELATIVE};
        long base = baseSym.isPresent() ? mem.u64(baseSym.getAsLong()) : 0;
        for (AddressEncoding e : candidates) {
            boolean fits = stext < 0 || expected.isEmpty()
                    || address(e, raw[stext], base, offsetsAddr + 4L * stext) == expected.getAsLong();
            if (fits) {
                for (int i = 0; i < n; i++) {
                    addresses[i] = address(e, raw[i], base, offsetsAddr + 4L * i);
                }
                return new Decoded(addresses, e);
            }
        }
        throw new IllegalStateException("kallsyms_offsets do not decode to VMCOREINFO's _stext 0x"
                + Long.toHexString(expected.getAsLong()) + " under any known encoding");
    }

    private static long address(AddressEncoding e, int value, long base, long entryAddr) {
        return switch (e) {
            case ABSOLUTE_PERCPU -> value >= 0 ? value : base - 1 - value;
            case BASE_RELATIVE -> base + (value & 0xffffffffL);
            case PC_RELATIVE -> entryAddr + value;
            case ABSOLUTE -> throw new IllegalArgumentException("absolute addresses are not offsets");
        };
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
