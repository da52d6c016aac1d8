package io.crashpipe.parsers.dump.kdump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One of the two kdump bitmaps (bit n = pfn n, least significant bit first), with a rank
 * index so that "how many set bits before pfn" is constant time. The first bitmap says which
 * frames are RAM, the second which pages were dumped. Memory: one bit per page frame plus as
 * much again for the index (64 GiB of RAM: 4 MiB), independent of the dump's page data.
 */
final class DumpBitmap {
    private final long[] words;
    private final long[] rankBefore;
    private final long bits;

    DumpBitmap(byte[] raw, int off, int len) {
        this.bits = (long) len * 8;
        this.words = new long[(len + 7) / 8];
        ByteBuffer.wrap(raw, off, len & ~7).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words, 0, len >>> 3);
        for (int i = len & ~7; i < len; i++) { // a last partial word
            words[i >>> 3] |= (raw[off + i] & 0xffL) << ((i & 7) * 8);
        }
        this.rankBefore = new long[words.length + 1];
        for (int i = 0; i < words.length; i++) {
            rankBefore[i + 1] = rankBefore[i] + Long.bitCount(words[i]);
        }
    }

    boolean get(long pfn) {
        if (pfn < 0 || pfn >= bits) {
            return false;
        }
        return (words[(int) (pfn >>> 6)] & (1L << (pfn & 63))) != 0;
    }

    /** Number of set bits in [0, pfn). */
    long rank(long pfn) {
        if (pfn <= 0) {
            return 0;
        }
        if (pfn >= bits) {
            return rankBefore[words.length];
        }
        int w = (int) (pfn >>> 6);
        long mask = (1L << (pfn & 63)) - 1;
        return rankBefore[w] + Long.bitCount(words[w] & mask);
    }

    long size() {
        return bits;
    }

    /** Next set bit at or after {@code pfn}, or -1. */
    long nextSet(long pfn) {
        if (pfn < 0) {
            pfn = 0;
        }
        int w = (int) (pfn >>> 6);
        if (w >= words.length) {
            return -1;
        }
        long word = words[w] & (-1L << (pfn & 63));
        while (true) {
            if (word != 0) {
                return ((long) w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w >= words.length) {
                return -1;
            }
            word = words[w];
        }
    }
}
