package io.crashpipe.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;

/**
 * What the gateway has acknowledged for one dump, in an append-only text file
 * ({@code order ...}, {@code metadata}, {@code chunk N}, {@code sealed} lines), so an agent
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
public final class Checkpoint {
    private final Path file;
    private final BitSet chunks = new BitSet();
    private boolean metadata;
    private boolean sealed;
    private SplitOrder order;
    private boolean tornTail;
    private long completeLength;

    private Checkpoint(Path file) {
        this.file = file;
    }

    public static Checkpoint open(Path stateDir, String dumpId) throws IOException {
        Files.createDirectories(stateDir);
        Checkpoint c = new Checkpoint(stateDir.resolve(dumpId + ".ckpt"));
        if (Files.exists(c.file)) {
            byte[] bytes = Files.readAllBytes(c.file);
            c.tornTail = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            c.completeLength = end;
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            // a last line without its newline is torn ("chunk 12" cut to "chunk 1"): not recorded
            for (String line : Arrays.asList(lines).subList(0, c.tornTail ? lines.length - 1 : lines.length)) {
                if (SplitOrder.isCheckpointLine(line)) {
                    if (c.order == null) {
                        c.order = SplitOrder.fromCheckpointLine(line).orElse(null);
                    }
                } else if (line.equals("metadata")) {
                    c.metadata = true;
                } else if (line.equals("sealed")) {
                    c.sealed = true;
                } else if (line.matches("chunk \\d{1,9}")) {
                    c.chunks.set(Integer.parseInt(line.substring(6)));
                }
            }
        }
        return c;
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
        append(o.toCheckpointLine());
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
        append("metadata");
        metadata = true;
    }

    public synchronized void recordChunk(int seq) throws IOException {
        if (!chunks.get(seq)) {
            append("chunk " + seq);
            chunks.set(seq);
        }
    }

    public synchronized void recordSealed() throws IOException {
        append("sealed");
        sealed = true;
    }

    private void append(String line) throws IOException {
        if (tornTail) {
            // cut the torn line off, or what follows would complete it ("chunk 1" + "\n")
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(completeLength);
                ch.force(true);
            }
        }
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
        tornTail = false;
    }
}
