package io.crashpipe.parsers.kallsyms;

import java.nio.charset.StandardCharsets;

/**
 * {@code kallsyms_names}: for each symbol, a token count then that many token numbers; the
 * tokens spell the nm type letter followed by the name. {@code kallsyms_markers[k]} is the byte
 * offset of symbol {@code 256 k}, which this class uses to prove a decode right.
 *
 * @param address where the table starts
 * @param names symbol names (without the type letter), in table order
 * @param types the nm type letters
 * @param blockOffsets the offset of every 256th entry, as kallsyms_markers holds them
 * @param bytes the table's length
 * @param lengths how the counts were read
 */
public record NameTable(long address, String[] names, char[] types, long[] blockOffsets, long bytes,
        NameLengths lengths) {

    /** No kernel has had 10 million symbols; a larger count means the candidate is not kallsyms_num_syms. */
    static final int MAX_SYMBOLS = 10_000_000;
    /** KSYM_NAME_LEN is 512 since 6.1 (128 before): a name never has more tokens than that. */
    private static final int MAX_TOKENS = 512;

    /**
     * Decodes {@code count} names. Returns null when the bytes cannot be kallsyms names (an empty
     * entry, a name that decodes to nothing); a page the dump lacks throws
     * {@link io.crashpipe.parsers.memory.MemoryFault}.
     */
    static NameTable decode(ImageBytes img, long address, int count, TokenTable tokens, NameLengths lengths) {
        String[] names = new String[count];
        char[] types = new char[count];
        long[] blocks = new long[(count + 255) >>> 8];
        String[] tok = tokens.tokens();
        StringBuilder sb = new StringBuilder(64);
        long at = address;
        for (int i = 0; i < count; i++) {
            if ((i & 0xff) == 0) {
                blocks[i >>> 8] = at - address;
            }
            int len = img.u8(at++);
            if (lengths == NameLengths.ULEB128 && (len & 0x80) != 0) {
                len = (len & 0x7f) | img.u8(at++) << 7;
                if (len > MAX_TOKENS) {
                    return null; // no name is that long: this is not the two-byte form
                }
            }
            sb.setLength(0);
            for (int t = 0; t < len; t++) {
                sb.append(tok[img.u8(at++)]);
            }
            if (sb.length() < 2) {
                return null; // every entry is a type letter and a name of at least one character
            }
            types[i] = sb.charAt(0);
            names[i] = latin1ToUtf8(sb, 1);
        }
        return new NameTable(address, names, types, blocks, at - address, lengths);
    }

    /** True when this decode put every 256th entry where {@code markers} says it starts. */
    boolean agreesWith(Markers markers, ImageBytes img) {
        if (markers.count() != blockOffsets.length) {
            return false;
        }
        for (int k = 0; k < blockOffsets.length; k++) {
            if (markers.entry(img, k) != blockOffsets[k]) {
                return false;
            }
        }
        return true;
    }

    /** True when some count in the table had bit 7 set, so the two readings of lengths differ. */
    static boolean hasLongCounts(ImageBytes img, long address, int count) {
        long at = address;
        for (int i = 0; i < count; i++) {
            int len = img.u8(at++);
            if ((len & 0x80) != 0) {
                return true;
            }
            at += len;
        }
        return false;
    }

    /** Token bytes are raw name bytes; Rust symbols may carry UTF-8. */
    private static String latin1ToUtf8(StringBuilder sb, int from) {
        for (int i = from; i < sb.length(); i++) {
            if (sb.charAt(i) >= 0x80) {
                return new String(sb.substring(from).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return sb.substring(from);
    }

    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
