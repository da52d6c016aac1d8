package io.crashpipe.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * What the gateway has acknowledged for one dump, in an append-only text file
 * ({@code metadata}, {@code chunk N}, {@code sealed} lines), so an agent restarted at any point
 * resumes where it stopped. A torn last line (crash while appending) is ignored.
 */
public final class Checkpoint {
    private final Path file;
    private final BitSet chunks = new BitSet();
    private boolean metadata;
    private boolean sealed;

    private Checkpoint(Path file) {
        this.file = file;
    }

    public static Checkpoint open(Path stateDir, String dumpId) throws IOException {
        Files.createDirectories(stateDir);
        Checkpoint c = new Checkpoint(stateDir.resolve(dumpId + ".ckpt"));
        if (Files.exists(c.file)) {
            for (String line : Files.readAllLines(c.file, StandardCharsets.UTF_8)) {
                if (line.equals("metadata")) {
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
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
    }
}
