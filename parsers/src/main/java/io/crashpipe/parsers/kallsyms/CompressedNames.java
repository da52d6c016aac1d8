package io.crashpipe.parsers.kallsyms;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code kallsyms_names} kept as the kernel stores it: per entry a run of token numbers whose
 * texts spell the nm type letter and the name. A name is expanded only when asked for, so a
 * dump's 100k+ symbols cost their compressed bytes (about 10 per symbol) and the lookups made.
 *
 * <p>Lookup by name: through {@code kallsyms_seqs_of_names} (Linux 6.2+; entries in name order)
 * by binary search, comparing expanded bytes without building strings; on older kernels through
 * a hash index of every name's bytes, built on the first such lookup.
 */
final class CompressedNames implements SymbolNames {
    /** Names hash as polynomials in 31, so a token's share is computed once ({@link #tokenHash}). */
    private static final int BASE = 31;
    /** BASE's inverse modulo 2^32 (BASE is odd), to take the type letter back out of a hash. */
    private static final int BASE_INVERSE = inverse(BASE);
    private static final int[] NONE = new int[0];
    private static final byte[] LLVM = ".llvm.".getBytes(StandardCharsets.ISO_8859_1);

    private final byte[] table;
    /** Offset in {@link #table} of entry i's first token number. */
    private final int[] starts;
    /** Token numbers in entry i. */
    private final short[] counts;
    private final byte[][] tokens;
    /** Per token: the polynomial hash of its bytes, and BASE to the power of its length. */
    private final int[] tokenHash;
    private final int[] tokenPower;
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
        this.tokenHash = new int[tokens.length];
        this.tokenPower = new int[tokens.length];
        for (int t = 0; t < tokens.length; t++) {
            int h = 0;
            int p = 1;
            for (byte c : tokens[t]) {
                h = h * BASE + (c & 0xff);
                p *= BASE;
            }
            tokenHash[t] = h;
            tokenPower[t] = p;
        }
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
        if (seqs == null) {
            return byHash(q);
        }
        int[] hits = bySeqsOfNames(q, false);
        if (hits == null) {
            return byHash(q); // an entry out of range: not a seqs_of_names table after all
        }
        if (hits.length == 0) {
            // Clang LTO kernels 6.2 to 6.10 sorted names cut at ".llvm." (commit 010a0aad39fc, undone in
            // fb6a421fb615): search that order too, keeping exact matches.
            hits = bySeqsOfNames(q, true);
        }
        return hits == null ? byHash(q) : hits;
    }

    private int seq(int position) {
        int p = 3 * position;
        return (seqs[p] & 0xff) << 16 | (seqs[p + 1] & 0xff) << 8 | seqs[p + 2] & 0xff;
    }

    /**
     * Binary search in name order; entries that compare equal sit together, so the run around a
     * hit holds every match. Null when an entry is out of range (the table is not what it seemed).
     *
     * @param cut compare names cut at ".llvm." (the LTO order), then keep the exact matches
     */
    private int[] bySeqsOfNames(byte[] q, boolean cut) {
        byte[] key = cut ? cutLlvm(q) : q;
        int n = starts.length;
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int s = seq(mid);
            if (s >= n) {
                return null;
            }
            int c = order(s, key, cut);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                int first = mid;
                while (first > 0 && seq(first - 1) < n && order(seq(first - 1), key, cut) == 0) {
                    first--;
                }
                int[] out = new int[0];
                for (int k = first; k < n && seq(k) < n && order(seq(k), key, cut) == 0; k++) {
                    if (!cut || compare(seq(k), q) == 0) {
                        out = Arrays.copyOf(out, out.length + 1);
                        out[out.length - 1] = seq(k);
                    }
                }
                Arrays.sort(out);
                return out;
            }
        }
        return NONE;
    }

    private int order(int i, byte[] key, boolean cut) {
        return cut ? Arrays.compareUnsigned(cutLlvm(name(i).getBytes(StandardCharsets.UTF_8)), key) : compare(i, key);
    }

    private static byte[] cutLlvm(byte[] name) {
        outer:
        for (int i = 0; i + LLVM.length <= name.length; i++) {
            for (int k = 0; k < LLVM.length; k++) {
                if (name[i + k] != LLVM[k]) {
                    continue outer;
                }
            }
            return Arrays.copyOf(name, i);
        }
        return name;
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

    /**
     * The hash of entry i's name, token by token: the whole expansion's polynomial, less the type
     * letter's term (letter times BASE to the power of the name's length).
     */
    private int hashAt(int i) {
        int h = 0;
        int power = 1;
        for (int p = starts[i], end = p + counts[i]; p < end; p++) {
            int t = table[p] & 0xff;
            h = h * tokenPower[t] + tokenHash[t];
            power *= tokenPower[t];
        }
        return spread(h - type(i) * power * BASE_INVERSE);
    }

    private static int hash(byte[] q) {
        int h = 0;
        for (byte c : q) {
            h = h * BASE + (c & 0xff);
        }
        return spread(h);
    }

    /** Polynomial hashes differ mostly in their high bits; the table is indexed by the low ones. */
    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    private static int inverse(int odd) {
        int x = odd; // right in the low 3 bits; each Newton step doubles that
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }
}
