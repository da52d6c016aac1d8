package io.crashpipe.parsers.kallsyms;

import java.util.BitSet;
import java.util.Optional;
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

    /** The table found: where it is and its bytes (three per symbol). */
    record Found(long address, byte[] bytes) {}

    /**
     * The table located and read whole, when it is in the dump and holds every symbol index
     * exactly once (lookups rely on it: a table that only looked right must not hide a symbol).
     */
    static Optional<Found> find(ImageBytes img, NameTable names, Markers markers, TokenTable tokens,
            AddressTable addresses) {
        OptionalLong at = locate(img, names, markers, tokens, addresses);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        int n = names.count();
        byte[] seqs = new byte[3 * n];
        try {
            img.copy(at.getAsLong(), seqs);
        } catch (io.crashpipe.parsers.memory.MemoryFault f) {
            ImageBytes.rethrowIfWaiting(f.unavailable());
            return Optional.empty();
        }
        BitSet seen = new BitSet(n);
        for (int p = 0; p < n; p++) {
            int seq = (seqs[3 * p] & 0xff) << 16 | (seqs[3 * p + 1] & 0xff) << 8 | seqs[3 * p + 2] & 0xff;
            if (seq >= n || seen.get(seq)) {
                return Optional.empty();
            }
            seen.set(seq);
        }
        return Optional.of(new Found(at.getAsLong(), seqs));
    }

    /** The names looked up through {@code found}, when there is one. */
    static NameTable attach(NameTable names, Optional<Found> found) {
        return found.map(f -> names.withSeqsOfNames(f.bytes())).orElse(names);
    }

    /** The first entries are distinct symbol indexes whose names ascend. */
    private static boolean plausible(ImageBytes img, long at, NameTable names) {
        int n = names.count();
        int checked = Math.min(CHECKED, n);
        String prev = null;
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        try {
            for (int i = 0; i < checked; i++) {
                long p = at + 3L * i;
                int seq = img.u8(p) << 16 | img.u8(p + 1) << 8 | img.u8(p + 2);
                if (seq >= n || !distinct.add(seq)) {
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
