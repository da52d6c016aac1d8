package io.crashpipe.agent;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@link DumpSplitter} walk stands right after it built a chunk: enough to start the
 * walk again from there without reading any page before it. A checkpoint keeps the cursor after
 * each acknowledged chunk, so a resumed or repeated upload skips what was acknowledged without
 * reading those pages again.
 *
 * @param phase 0 while walking the hot pages (hot-first order), 1 for the rest (or plain pfn order)
 * @param nextPfn the first pfn of {@code phase} not yet walked
 * @param nextSequence the sequence number of the next chunk
 * @param pages pages with data so far
 * @param zeros all-zero pages so far
 * @param unreadable pages that could not be read so far
 * @param payloadBytes uncompressed payload bytes so far
 * @param hotChunks chunks that hold only hot pages (known once phase 1 started; 0 before)
 * @param hotPages pages in those chunks
 * @param chain the running checksum (see {@link DumpSplitter}), 32 bytes
 */
public record SplitCursor(int phase, long nextPfn, int nextSequence, long pages, long zeros, long unreadable,
        long payloadBytes, int hotChunks, long hotPages, byte[] chain) {

    private static final Pattern LINE = Pattern.compile(
            "after (\\d) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) ([0-9a-f]{64})");

    /** The start of a walk: nothing read. */
    public static SplitCursor start() {
        return new SplitCursor(0, 0, 0, 0, 0, 0, 0, 0, 0, new byte[32]);
    }

    /** The text a checkpoint keeps, one line. */
    String toText() {
        return "after " + phase + " " + nextPfn + " " + nextSequence + " " + pages + " " + zeros + " " + unreadable + " "
                + payloadBytes + " " + hotChunks + " " + hotPages + " " + HexFormat.of().formatHex(chain);
    }

    static Optional<SplitCursor> parse(String text) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SplitCursor(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                Long.parseLong(m.group(6)), Long.parseLong(m.group(7)), Integer.parseInt(m.group(8)),
                Long.parseLong(m.group(9)), HexFormat.of().parseHex(m.group(10))));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SplitCursor c && toText().equals(c.toText());
    }

    @Override
    public int hashCode() {
        return toText().hashCode();
    }

    @Override
    public String toString() {
        return toText();
    }
}
