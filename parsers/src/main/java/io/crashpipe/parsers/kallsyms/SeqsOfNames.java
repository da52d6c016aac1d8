package io.crashpipe.parsers.kallsyms;

import java.util.OptionalLong;

/**
 * {@code kallsyms_seqs_of_names} (Linux 6.2, "kallsyms: Improve the performance of
 * kallsyms_lookup_name()"): symbol indexes in name order, three big-endian bytes each. Decoding
 * does not need it; it is located so that {@code info} can say the layout was understood whole.
 * It lies between the markers and the token table in 6.2/6.3 (and in stable kernels that took
 * it, such as Debian's 6.1.192), and after the address table (and relative_base) from 6.4.
 */
final class SeqsOfNames {
    private static final int CHECKED = 64;

    private SeqsOfNames() {}

    static OptionalLong locate(ImageBytes img, NameTable names, Markers markers, TokenTable tokens,
            AddressTable addresses) {
        int n = names.count();
        long afterAddresses = addresses.relativeBase().isPresent()
                ? addresses.relativeBase().getAsLong() + 8 : addresses.end(n);
        for (long start : new long[] {markers.end(), afterAddresses}) {
            for (int align : new int[] {4, 8}) {
                long at = (start + align - 1) & -align;
                if (plausible(img, at, names)) {
                    return OptionalLong.of(at);
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The table with its names looked up through seqs_of_names at {@code at}, when located and
     * in the dump; else the table as it was (lookups then go through a hash index).
     */
    static NameTable attach(ImageBytes img, NameTable names, OptionalLong at) {
        if (at.isEmpty()) {
            return names;
        }
        byte[] seqs = new byte[3 * names.count()];
        try {
            img.copy(at.getAsLong(), seqs);
        } catch (io.crashpipe.parsers.memory.MemoryFault f) {
            ImageBytes.rethrowIfWaiting(f.unavailable());
            return names;
        }
        return names.withSeqsOfNames(seqs);
    }

    /** The first entries are distinct symbol indexes whose names ascend. */
    private static boolean plausible(ImageBytes img, long at, NameTable names) {
        int n = names.count();
        int checked = Math.min(CHECKED, n);
        String prev = null;
        try {
            for (int i = 0; i < checked; i++) {
                long p = at + 3L * i;
                int seq = img.u8(p) << 16 | img.u8(p + 1) << 8 | img.u8(p + 2);
                if (seq >= n) {
                    return false;
                }
                String name = names.names().name(seq);
                if (prev != null && prev.compareTo(name) > 0) {
                    return false;
                }
                prev = name;
            }
            return n > 1;
        } catch (io.crashpipe.parsers.memory.MemoryFault f) {
            ImageBytes.rethrowIfWaiting(f.unavailable());
            return false;
        }
    }
}
