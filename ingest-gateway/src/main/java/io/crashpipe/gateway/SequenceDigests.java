package io.crashpipe.gateway;

import java.util.Arrays;

/**
 * Sequence numbers of a dump's chunks with each one's content digest, in two sorted primitive
 * arrays: 8 bytes a chunk, however large or sparse the numbers are (a chunk numbered 999999999
 * costs what chunk 0 costs).
 */
final class SequenceDigests {
    private int[] seqs = new int[8];
    private int[] digests = new int[8];
    private int size;

    /** The digest stored for {@code seq}, or empty. */
    java.util.OptionalInt digest(int seq) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        return i < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(digests[i]);
    }

    /** Records {@code seq} with {@code digest}, replacing any earlier digest. */
    void put(int seq, int digest) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        if (i >= 0) {
            digests[i] = digest;
            return;
        }
        i = -i - 1;
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
            digests = Arrays.copyOf(digests, size * 2);
        }
        System.arraycopy(seqs, i, seqs, i + 1, size - i);
        System.arraycopy(digests, i, digests, i + 1, size - i);
        seqs[i] = seq;
        digests[i] = digest;
        size++;
    }

    void remove(int seq) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        if (i >= 0) {
            System.arraycopy(seqs, i + 1, seqs, i, size - i - 1);
            System.arraycopy(digests, i + 1, digests, i, size - i - 1);
            size--;
        }
    }

    int[] sequences() {
        return Arrays.copyOf(seqs, size);
    }

    int size() {
        return size;
    }

    long bytes() {
        return 32L + 8L * seqs.length;
    }
}
