package io.crashpipe.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.extract.HotPages;

/**
 * The order a dump's pages go out in. {@linkplain #hotPagesFirst() Hot pages first}: the
 * chunks holding only the pages the extractors read ({@link HotPages}), then the chunks of every
 * other page; or plain pfn order. The hot set is held as a sorted {@code long[]} (thousands of
 * pfns, no page data) and looked up by binary search while the splitter walks the dump.
 *
 * <p>Chunk boundaries, and so sequence numbers, depend on the order and on the exact hot set, so
 * an order is fixed per dump when its upload starts and kept in the {@link Checkpoint} (hot pfns
 * included): a resumed upload splits exactly as the first run did, even if the option changed or
 * a newer agent would compute a different hot set.
 */
public final class SplitOrder {
    private static final long[] NONE = new long[0];
    private static final SplitOrder PFN = new SplitOrder(false, NONE, null);

    private final boolean hotFirst;
    private final long[] hot;
    private final String fallbackReason;

    private SplitOrder(boolean hotFirst, long[] hot, String fallbackReason) {
        this.hotFirst = hotFirst;
        this.hot = hot;
        this.fallbackReason = fallbackReason;
    }

    /** Plain pfn order, no hot pages. */
    public static SplitOrder pfn() {
        return PFN;
    }

    /**
     * Hot pages first, with this hot set: strictly ascending, non-negative pfns (pfns the dump
     * does not have are allowed; they are simply not sent). The array is copied.
     */
    public static SplitOrder hotFirst(long[] hotPfns) {
        long[] h = hotPfns.clone();
        for (int i = 0; i < h.length; i++) {
            if (h[i] < 0 || (i > 0 && h[i] <= h[i - 1])) {
                throw new IllegalArgumentException("hot pfns must be strictly ascending and non-negative; at index " + i
                        + ": " + h[i]);
            }
        }
        return new SplitOrder(true, h, null);
    }

    /**
     * The order for a dump upload that has not started yet. With {@code hotPagesFirst}, runs
     * every extractor over the local file ({@link HotPages#of}); if that fails for this dump (no
     * VMCOREINFO, an unreadable kernel, a bug in an extractor), the upload is never failed for
     * it: the dump goes in plain pfn order and {@link #fallbackReason()} says why.
     */
    public static SplitOrder forDump(Dump dump, boolean hotPagesFirst) {
        if (!hotPagesFirst) {
            return PFN;
        }
        long[] hot;
        try {
            hot = HotPages.of(dump);
        } catch (Exception | StackOverflowError e) {
            return new SplitOrder(false, NONE, "hot pages of " + dump.name() + " unavailable, sending in pfn order: "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()));
        } catch (OutOfMemoryError e) {
            // the agent's heap is kept small on purpose (bin/agent-jvm.sh); the analysis' structures
            // are garbage once it unwound, and the upload itself needs only its few payload arrays
            return new SplitOrder(false, NONE, "hot pages of " + dump.name() + " need more heap than the agent has ("
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB), sending in pfn order");
        }
        // HotPages gives ascending pfns; normalise defensively rather than trust every future version.
        long[] h = Arrays.stream(hot).filter(p -> p >= 0).sorted().distinct().toArray();
        return new SplitOrder(true, h, null);
    }

    /** True if the hot pages go first (even if none of them turns out to be in the dump). */
    public boolean hotPagesFirst() {
        return hotFirst;
    }

    /** How many pfns the hot set holds (including ones the dump lacks). */
    public int hotPfnCount() {
        return hot.length;
    }

    /** The hot set, ascending (a copy). */
    public long[] hotPfns() {
        return hot.clone();
    }

    /** Whether {@code pfn} is in the hot set: a binary search, no allocation. */
    public boolean isHot(long pfn) {
        return hot.length > 0 && Arrays.binarySearch(hot, pfn) >= 0;
    }

    /** Why hot pages first was asked for but plain pfn order is used, if so. */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    // --- checkpoint form: "order pfn" or "order hot-first COUNT DIGEST DELTAS" (hex, comma-separated) ---

    private static final String PREFIX = "order ";

    /** The checkpoint line (without newline). */
    String toCheckpointLine() {
        if (!hotFirst) {
            return PREFIX + "pfn";
        }
        StringBuilder sb = new StringBuilder(PREFIX).append("hot-first ").append(hot.length).append(' ')
                .append(digest(hot)).append(' ');
        long prev = 0;
        for (int i = 0; i < hot.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(Long.toHexString(hot[i] - prev));
            prev = hot[i];
        }
        return sb.toString();
    }

    static boolean isCheckpointLine(String line) {
        return line.startsWith(PREFIX);
    }

    /** Parses a checkpoint line; empty if it is torn or damaged (count or digest do not match). */
    static Optional<SplitOrder> fromCheckpointLine(String line) {
        if (line.equals(PREFIX + "pfn")) {
            return Optional.of(PFN);
        }
        String[] f = line.split(" ", 5);
        if (f.length < 4 || !f[0].equals("order") || !f[1].equals("hot-first")) {
            return Optional.empty();
        }
        try {
            int count = Integer.parseInt(f[2]);
            String[] deltas = f.length == 5 && !f[4].isEmpty() ? f[4].split(",") : new String[0];
            if (count < 0 || deltas.length != count) {
                return Optional.empty();
            }
            long[] h = new long[count];
            long prev = 0;
            for (int i = 0; i < count; i++) {
                prev += Long.parseUnsignedLong(deltas[i], 16);
                h[i] = prev;
            }
            if (!digest(h).equals(f[3])) {
                return Optional.empty();
            }
            return Optional.of(hotFirst(h));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String digest(long[] pfns) {
        MessageDigest sha = DumpId.sha256();
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (long p : pfns) {
            sha.update(b.clear().putLong(p).array());
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SplitOrder s && s.hotFirst == hotFirst && Arrays.equals(s.hot, hot);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(hotFirst) * 31 + Arrays.hashCode(hot);
    }

    @Override
    public String toString() {
        return hotFirst ? "hot pages first (" + hot.length + " hot pfns)" : "pfn order";
    }
}
