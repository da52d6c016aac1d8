package io.crashpipe.parsers.kallsyms;

/**
 * {@code kallsyms_names}: for each symbol, a token count then that many token numbers; the
 * tokens spell the nm type letter followed by the name. {@code kallsyms_markers[k]} is the byte
 * offset of symbol {@code 256 k}, which this class uses to prove a decode right.
 *
 * <p>Reading the table walks the counts and copies its bytes; names stay compressed until asked
 * for ({@link CompressedNames}).
 *
 * @param address where the table starts
 * @param names the entries, in table order
 * @param blockOffsets the offset of every 256th entry, as kallsyms_markers holds them
 * @param bytes the table's length
 * @param lengths how the counts were read
 */
public record NameTable(long address, CompressedNames names, long[] blockOffsets, long bytes, NameLengths lengths) {

    /** No kernel has had 10 million symbols; a larger count means the candidate is not kallsyms_num_syms. */
    static final int MAX_SYMBOLS = 10_000_000;
    /** KSYM_NAME_LEN is 512 since 6.1 (128 before): a name never has more tokens than that. */
    private static final int MAX_TOKENS = 512;

    /**
     * Reads {@code count} entries. Returns null when the bytes cannot be kallsyms names (an empty
     * entry, a name that expands to nothing); a page the dump lacks throws
     * {@link io.crashpipe.parsers.memory.MemoryFault}.
     */
    static NameTable decode(ImageBytes img, long address, int count, TokenTable tokens, NameLengths lengths) {
        int[] starts = new int[count];
        short[] counts = new short[count];
        long[] blocks = new long[(count + 255) >>> 8];
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
            if (len == 0 || at - address + len > Integer.MAX_VALUE) {
                return null;
            }
            starts[i] = (int) (at - address);
            counts[i] = (short) len;
            at += len;
        }
        byte[] table = new byte[(int) (at - address)];
        img.copy(address, table);
        CompressedNames names = CompressedNames.of(table, starts, counts, tokens.tokens());
        for (int i = 0; i < count; i++) {
            if (names.expandedLength(i) < 2) {
                return null; // every entry is a type letter and a name of at least one character
            }
        }
        return new NameTable(address, names, blocks, at - address, lengths);
    }

    /** The same table, its names looked up through {@code kallsyms_seqs_of_names}. */
    NameTable withSeqsOfNames(byte[] seqs) {
        return new NameTable(address, names.withSeqsOfNames(seqs), blockOffsets, bytes, lengths);
    }

    int count() {
        return names.size();
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

    /** The first entry called {@code name}, found without building an index; -1 when none is. */
    int indexOf(String name) {
        return names.firstIndexOf(name);
    }
}
