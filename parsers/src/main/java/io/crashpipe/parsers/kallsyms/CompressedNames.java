package io.crashpipe.parsers.kallsyms;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code kallsyms_names} kept as the kernel stores it: per entry a run of token numbers whose
 * texts spell the nm type letter and the name. A name is expanded only when asked for, so a
 * dump's 100k+ symbols cost their compressed bytes (about 10 per symbol) and the lookups made.
 *
 * <p>Lookup by name: through {@code kallsyms_seqs_of_names} (Linux 6.2+; entries in name order)
 * by binary search, comparing expanded bytes without building strings; otherwise (older kernels,
 * or a name the search misses) through a hash index of every name's bytes built on the first
 * such lookup.
 */
final class CompressedNames implements SymbolNames {
    private static final int FNV_BASIS = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;
    private static final int[] NONE = new int[0];

    private final byte[] table;
    /** Offset in {@link #table} of entry i's first token number. */
    private final int[] starts;
    /** Token numbers in entry i. */
    private final short[] counts;
    private final byte[][] tokens;
    /** {@code kallsyms_seqs_of_names}: three big-endian bytes per entry, or null when not located. */
    private final byte[] seqs;
    /** Names expanded so far (racy fills of immutable strings are harmless). */
    private final String[] decoded;
    /** Open addressing, entry index + 1 per slot, keyed by the hash of the name; built on demand. */
    private int[] index;

    private CompressedNames(byte[] table, int[] starts, short[] counts, byte[][] tokens, byte[] seqs, String[] decoded) {
        this.table = table;
        this.starts = starts;
        this.counts = counts;
        this.tokens = tokens;
        this.seqs = seqs;
        this.decoded = decoded;
    }

    /**
     * @param table the bytes of {@code kallsyms_names}
     * @param starts where each entry's token numbers start in {@code table}
     * @param counts how many token numbers each entry has
     * @param tokens the 256 token texts
     */
    static CompressedNames of(byte[] table, int[] starts, short[] counts, String[] tokens) {
        byte[][] t = new byte[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            t[i] = tokens[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new CompressedNames(table, starts, counts, t, null, new String[starts.length]);
    }

    /** The same names, looked up through {@code kallsyms_seqs_of_names} (3 bytes per entry). */
    CompressedNames withSeqsOfNames(byte[] seqsOfNames) {
        if (seqsOfNames.length != 3 * starts.length) {
            throw new IllegalArgumentException("seqs_of_names has " + seqsOfNames.length + " bytes for " + starts.length
                    + " symbols");
        }
        return new CompressedNames(table, starts, counts, tokens, seqsOfNames, decoded);
    }

    /** Bytes the expansion of entry {@code i} spells (type letter included). */
    int expandedLength(int i) {
        int n = 0;
        for (int p = starts[i], end = p + counts[i]; p < end; p++) {
            n += tokens[table[p] & 0xff].length;
        }
        return n;
    }

    @Override
    public int size() {
        return starts.length;
    }

    @Override
    public char type(int i) {
        for (int p = starts[i], end = p + counts[i]; p < end; p++) {
            byte[] tok = tokens[table[p] & 0xff];
            if (tok.length > 0) {
                return (char) (tok[0] & 0xff);
            }
        }
        return 0;
    }

    @Override
    public String name(int i) {
        String s = decoded[i];
        if (s == null) {
            byte[] b = new byte[Math.max(0, expandedLength(i) - 1)];
            int n = 0;
            boolean skipped = false;
            boolean wide = false;
            for (int p = starts[i], end = p + counts[i]; p < end; p++) {
                for (byte c : tokens[table[p] & 0xff]) {
                    if (!skipped) {
                        skipped = true; // the type letter
                    } else {
                        b[n++] = c;
                        wide |= c < 0;
                    }
                }
            }
            // Token bytes are raw name bytes; Rust symbols may carry UTF-8.
            s = new String(b, wide ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            decoded[i] = s;
        }
        return s;
    }

    /** The first entry called {@code name} by a linear scan (no index built), or -1. */
    int firstIndexOf(String name) {
        byte[] q = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < starts.length; i++) {
            if (compare(i, q) == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int[] indexesOf(String name) {
        byte[] q = name.getBytes(StandardCharsets.UTF_8);
        if (seqs != null) {
            int[] hits = bySeqsOfNames(q);
            if (hits.length > 0) {
                return hits;
            }
        }
        return byHash(q);
    }

    private int seq(int position) {
        int p = 3 * position;
        return (seqs[p] & 0xff) << 16 | (seqs[p + 1] & 0xff) << 8 | seqs[p + 2] & 0xff;
    }

    /** Binary search in name order; equal names sit together, so the run around a hit is every one. */
    private int[] bySeqsOfNames(byte[] q) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int s = seq(mid);
            if (s >= starts.length) {
                return NONE; // not a seqs table after all: the hash index answers
            }
            int c = compare(s, q);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                int first = mid;
                while (first > 0 && seq(first - 1) < starts.length && compare(seq(first - 1), q) == 0) {
                    first--;
                }
                int last = mid;
                while (last + 1 < starts.length && seq(last + 1) < starts.length && compare(seq(last + 1), q) == 0) {
                    last++;
                }
                int[] out = new int[last - first + 1];
                for (int k = first; k <= last; k++) {
                    out[k - first] = seq(k);
                }
                Arrays.sort(out);
                return out;
            }
        }
        return NONE;
    }

    private int[] byHash(byte[] q) {
        int[] slots = index();
        int mask = slots.length - 1;
        int[] found = NONE;
        for (int s = hash(q) & mask; slots[s] != 0; s = (s + 1) & mask) {
            int i = slots[s] - 1;
            if (compare(i, q) == 0) {
                found = Arrays.copyOf(found, found.length + 1);
                found[found.length - 1] = i;
            }
        }
        Arrays.sort(found);
        return found;
    }

    private synchronized int[] index() {
        if (index == null) {
            int capacity = Integer.highestOneBit(Math.max(starts.length, 8) * 2) * 2; // load at most 1/2
            int[] slots = new int[capacity];
            int mask = capacity - 1;
            for (int i = 0; i < starts.length; i++) {
                int s = hashAt(i) & mask;
                while (slots[s] != 0) {
                    s = (s + 1) & mask;
                }
                slots[s] = i + 1;
            }
            index = slots;
        }
        return index;
    }

    /** strcmp of entry i's name (the expansion after its type letter) with {@code q}, bytes unsigned. */
    private int compare(int i, byte[] q) {
        int k = -1; // position in q; -1 stands for the type letter, which is skipped
        for (int p = starts[i], end = p + counts[i]; p < end; p++) {
            for (byte c : tokens[table[p] & 0xff]) {
                if (k < 0) {
                    k = 0;
                    continue;
                }
                if (k == q.length) {
                    return 1; // the name goes on: it sorts after q
                }
                int d = (c & 0xff) - (q[k] & 0xff);
                if (d != 0) {
                    return d;
                }
                k++;
            }
        }
        return Math.max(k, 0) == q.length ? 0 : -1;
    }

    private int hashAt(int i) {
        int h = FNV_BASIS;
        boolean skipped = false;
        for (int p = starts[i], end = p + counts[i]; p < end; p++) {
            for (byte c : tokens[table[p] & 0xff]) {
                if (skipped) {
                    h = (h ^ (c & 0xff)) * FNV_PRIME;
                }
                skipped = true;
            }
        }
        return h;
    }

    private static int hash(byte[] q) {
        int h = FNV_BASIS;
        for (byte c : q) {
            h = (h ^ (c & 0xff)) * FNV_PRIME;
        }
        return h;
    }
}
