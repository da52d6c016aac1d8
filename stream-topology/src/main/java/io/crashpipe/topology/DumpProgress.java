package io.crashpipe.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;

/**
 * Where one dump stands: which chunks arrived (by sequence, so a re-upload counts once), whether
 * it is sealed and how many chunks it has, the page the analysis waits for, and whether the report
 * went out. Kept in a changelogged store; a few KiB even for a 64 GiB dump (one bit per chunk).
 *
 * @param waitingForPfn the page the last analysis run stopped at, or -1
 */
public record DumpProgress(long firstSeenMillis, boolean hasMetadata, BitSet chunks, int expectedChunks,
        long waitingForPfn, boolean reported, long finishedMillis) {

    private static final byte VERSION = 1;

    public static DumpProgress start(long now) {
        return new DumpProgress(now, false, new BitSet(), -1, -1, false, -1);
    }

    public boolean sealed() {
        return expectedChunks >= 0;
    }

    /** Sealed and every chunk the seal announced has arrived: missing pages are missing for good. */
    public boolean complete() {
        return sealed() && chunks.cardinality() >= expectedChunks;
    }

    public boolean finished() {
        return finishedMillis >= 0;
    }

    public boolean hasChunk(int sequence) {
        return chunks.get(sequence);
    }

    public DumpProgress withMetadata() {
        return new DumpProgress(firstSeenMillis, true, chunks, expectedChunks, waitingForPfn, reported, finishedMillis);
    }

    public DumpProgress withChunk(int sequence) {
        BitSet c = (BitSet) chunks.clone();
        c.set(sequence);
        return new DumpProgress(firstSeenMillis, hasMetadata, c, expectedChunks, waitingForPfn, reported, finishedMillis);
    }

    public DumpProgress sealedWith(int chunkCount) {
        return new DumpProgress(firstSeenMillis, hasMetadata, chunks, chunkCount, waitingForPfn, reported, finishedMillis);
    }

    public DumpProgress waitingFor(long pfn) {
        return new DumpProgress(firstSeenMillis, hasMetadata, chunks, expectedChunks, pfn, reported, finishedMillis);
    }

    public DumpProgress reportedNow() {
        return new DumpProgress(firstSeenMillis, hasMetadata, chunks, expectedChunks, -1, true, finishedMillis);
    }

    public DumpProgress finishedAt(long now) {
        return new DumpProgress(firstSeenMillis, hasMetadata, chunks, expectedChunks, -1, reported, now);
    }

    public byte[] encode() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(VERSION);
            out.writeLong(firstSeenMillis);
            out.writeBoolean(hasMetadata);
            byte[] bits = chunks.toByteArray();
            out.writeInt(bits.length);
            out.write(bits);
            out.writeInt(expectedChunks);
            out.writeLong(waitingForPfn);
            out.writeBoolean(reported);
            out.writeLong(finishedMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    public static DumpProgress decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalStateException("dump progress record version " + v + ", expected " + VERSION);
            }
            long first = in.readLong();
            boolean meta = in.readBoolean();
            byte[] bits = in.readNBytes(in.readInt());
            return new DumpProgress(first, meta, BitSet.valueOf(bits), in.readInt(), in.readLong(), in.readBoolean(),
                    in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
