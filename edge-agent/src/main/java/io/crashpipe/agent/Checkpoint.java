package io.crashpipe.agent;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway has acknowledged for one dump, in an append-only text file
 * ({@code order ...}, {@code metadata}, {@code chunk N [after CURSOR]}, {@code sealed} lines), so an agent
 * restarted at any point resumes where it stopped. A torn last line (crash while appending) is
 * ignored, and cut off before the next line is appended.
 *
 * <p>The split order is the first thing recorded, before any event is sent, and it is kept for
 * the life of the dump: chunk sequence numbers mean different pages in different orders (or with
 * a different hot set), and the gateway and Kafka identify chunks by (dump id, sequence). So a
 * dump is never switched to the other order half-way, and it is not restarted either: a restart
 * would re-send sequence numbers already in Kafka with other pages in them, and consumers that
 * are idempotent by sequence would keep the old chunk and lose the new one. See
 * {@link #recordedOrder()}.
 */
public final class Checkpoint implements AutoCloseable {
    private final Path file;
    private static final Pattern CHUNK = Pattern.compile("chunk (\\d{1,9})(?: (after .*))?");

    private final BitSet chunks = new BitSet();
    /** Cursors after acknowledged chunks, from the end of the acknowledged prefix on. */
    private final TreeMap<Integer, SplitCursor> cursors = new TreeMap<>();
    private boolean metadata;
    private boolean sealed;
    private SplitOrder order;
    private boolean tornTail;
    private long completeLength;
    /** The file, open for appending from the first line this agent records; closed by {@link #close}. */
    private FileChannel out;
    private long forcedAt = System.nanoTime();

    /** At most this much of acknowledged chunks can be forgotten when the host loses power. */
    static final Duration SYNC_INTERVAL = Duration.ofMillis(500);

    private Checkpoint(Path file) {
        this.file = file;
    }

    public static Checkpoint open(Path stateDir, String dumpId) throws IOException {
        Files.createDirectories(stateDir);
        Checkpoint c = new Checkpoint(stateDir.resolve(dumpId + ".ckpt"));
        if (Files.exists(c.file)) {
            // line by line: a 64 GiB dump's checkpoint holds tens of thousands of lines
            try (InputStream in = new BufferedInputStream(Files.newInputStream(c.file), 1 << 16)) {
                ByteArrayOutputStream line = new ByteArrayOutputStream(256);
                long offset = 0;
                for (int b; (b = in.read()) >= 0; ) {
                    offset++;
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    c.apply(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    c.completeLength = offset;
                }
                // a last line without its newline is torn ("chunk 12" cut to "chunk 1"): not recorded
                c.tornTail = line.size() > 0;
            }
        }
        return c;
    }

    private void apply(String line) {
        if (SplitOrder.isCheckpointLine(line)) {
            if (order == null) {
                order = SplitOrder.fromCheckpointLine(line).orElse(null);
            }
        } else if (line.equals("metadata")) {
            metadata = true;
        } else if (line.equals("sealed")) {
            sealed = true;
        } else {
            Matcher m = CHUNK.matcher(line);
            if (m.matches()) {
                int seq = Integer.parseInt(m.group(1));
                chunks.set(seq);
                if (m.group(2) != null) {
                    SplitCursor.parse(m.group(2)).ifPresent(cur -> cursors.put(seq, cur));
                    prune();
                }
            }
        }
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /**
     * The order this dump's chunks were split in, if any event of it was recorded: the recorded
     * order; or plain pfn order for a checkpoint written by an agent that did not record orders
     * (those split in pfn order only). Empty for a dump whose upload has not started.
     */
    public synchronized Optional<SplitOrder> recordedOrder() {
        if (order != null) {
            return Optional.of(order);
        }
        return metadata || sealed || !chunks.isEmpty() ? Optional.of(SplitOrder.pfn()) : Optional.empty();
    }

    /** Records the order, before the first event is sent; fails if another order was recorded. */
    public synchronized void recordOrder(SplitOrder o) throws IOException {
        Optional<SplitOrder> before = recordedOrder();
        if (before.isPresent()) {
            if (!before.get().equals(o)) {
                throw new IllegalStateException(file + ": already split in " + before.get() + ", not " + o);
            }
            return;
        }
        append(o.toCheckpointLine(), true);
        order = o;
    }

    public synchronized boolean metadataSent() {
        return metadata;
    }

    public synchronized boolean sealed() {
        return sealed;
    }

    public synchronized boolean chunkSent(int seq) {
        return chunks.get(seq);
    }

    public synchronized int chunksSent() {
        return chunks.cardinality();
    }

    public synchronized void recordMetadata() throws IOException {
        append("metadata", true);
        metadata = true;
    }

    public synchronized void recordChunk(int seq) throws IOException {
        if (!chunks.get(seq)) {
            append("chunk " + seq, false);
            chunks.set(seq);
        }
    }

    /** Records an acknowledged chunk with the split cursor right after it. */
    public synchronized void recordChunk(int seq, SplitCursor after) throws IOException {
        if (!chunks.get(seq)) {
            append("chunk " + seq + " " + after.toText(), false);
            chunks.set(seq);
            cursors.put(seq, after);
            prune();
        }
    }

    /**
     * Where a split can start again without reading what was acknowledged: the cursor after the
     * last chunk of the longest acknowledged prefix {@code 0..N} whose cursor is known; the start
     * when there is none. Chunks after it that were acknowledged too are still split (read) but
     * not sent.
     */
    public synchronized SplitCursor resumeCursor() {
        int firstMissing = chunks.nextClearBit(0);
        java.util.Map.Entry<Integer, SplitCursor> e = cursors.floorEntry(firstMissing - 1);
        return e == null ? SplitCursor.start() : e.getValue();
    }

    /** Only the cursor ending the acknowledged prefix and the ones above it can ever be resumed from. */
    private void prune() {
        Integer floor = cursors.floorKey(chunks.nextClearBit(0) - 1);
        if (floor != null) {
            cursors.headMap(floor, false).clear();
        }
    }

    public synchronized void recordSealed() throws IOException {
        append("sealed", true);
        sealed = true;
    }

    /** Makes every line written so far durable and closes the file; a later record opens it again. */
    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            try {
                out.force(false);
            } finally {
                out.close();
                out = null;
            }
        }
    }

    /**
     * Appends one line. The order, metadata and seal lines are on disk before this returns: an
     * order lost after its first chunk was sent would let a restart split the dump another way.
     * Chunk lines are forced at most every {@link #SYNC_INTERVAL} (and by any later durable line
     * and {@link #close}): a sync per chunk held every upload worker behind one disk flush per
     * MiB, and a chunk line lost with the machine's power only makes that chunk be sent again,
     * which the gateway answers as a duplicate. A line cut short by the crash is a torn tail.
     */
    private void append(String line, boolean durable) throws IOException {
        if (out == null) {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (tornTail) {
                // cut the torn line off, or what follows would complete it ("chunk 1" + "\n")
                out.truncate(completeLength);
                out.force(true);
                tornTail = false;
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        long now = System.nanoTime();
        if (durable || now - forcedAt >= SYNC_INTERVAL.toNanos()) {
            out.force(false);
            forcedAt = now;
        }
    }
}
