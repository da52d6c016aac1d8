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
 * it is sealed and how many chunks it has, the page the analysis waits for, what the analysis has
 * cost so far, and whether the report went out. Kept in a changelogged store; a few KiB even for a
 * 64 GiB dump (one bit per chunk).
 *
 * @param lastEventMillis wall-clock time of the dump's latest event (for the stall timeout)
 * @param expectedChunks the chunk count the seal announced, or -1 before the seal
 * @param sealedMillis when the seal arrived, or -1
 * @param waitingForPfn the page the last analysis pass stopped at, or -1
 * @param reportedMillis when the report went out, or -1
 * @param skippedMillis when a replay gave the dump up because its pages are gone, or -1
 * @param stages when the gateway accepted the metadata and the first pass began (for the report's timings)
 * @param partialReport the report went out with sections short of pages (a stall): a page that
 *     arrives later opens the dump again, so an upload that resumes after the stall timeout still
 *     ends in a complete report
 */
public record DumpProgress(long firstSeenMillis, long lastEventMillis, boolean hasMetadata, BitSet chunks,
        int expectedChunks, long sealedMillis, long waitingForPfn, int passes, long analysisMillis,
        long reportedMillis, long skippedMillis, Stages stages, boolean partialReport) {

    private static final byte VERSION = 5;
    /** Records of the version before {@code partialReport}. */
    private static final byte VERSION_WITHOUT_PARTIAL = 4;
    /** Records of the version before {@code stages} (still in changelogs written by an older build). */
    private static final byte VERSION_WITHOUT_STAGES = 3;
    /** Records of the version before {@code skippedMillis}. */
    private static final byte VERSION_WITHOUT_SKIP = 2;

    /**
     * Stage times the topology learns on its way (see {@code PipelineStage}), -1 when unknown.
     *
     * @param acceptedMillis the Kafka timestamp of the metadata record: when the gateway published it
     * @param firstPassMillis when the first analysis pass began
     */
    public record Stages(long acceptedMillis, long firstPassMillis) {
        public static final Stages NONE = new Stages(-1, -1);
    }

    /** Without stage times (records of older builds, tests). */
    public DumpProgress(long firstSeenMillis, long lastEventMillis, boolean hasMetadata, BitSet chunks,
            int expectedChunks, long sealedMillis, long waitingForPfn, int passes, long analysisMillis,
            long reportedMillis, long skippedMillis) {
        this(firstSeenMillis, lastEventMillis, hasMetadata, chunks, expectedChunks, sealedMillis, waitingForPfn, passes,
                analysisMillis, reportedMillis, skippedMillis, Stages.NONE, false);
    }

    public static DumpProgress start(long now) {
        return new DumpProgress(now, now, false, new BitSet(), -1, -1, -1, 0, 0, -1, -1);
    }

    public boolean sealed() {
        return expectedChunks >= 0;
    }

    /** Sealed and every chunk the seal announced has arrived: a missing page is missing for good. */
    public boolean complete() {
        return sealed() && chunks.cardinality() >= expectedChunks;
    }

    public boolean reported() {
        return reportedMillis >= 0;
    }

    public boolean skipped() {
        return skippedMillis >= 0;
    }

    /** Reported, or given up by a replay: no pass will run for it again. */
    public boolean done() {
        return reported() || skipped();
    }

    /** Reported and complete: nothing more will change, the state only waits for its purge. */
    public boolean finished() {
        return reported() && complete();
    }

    public boolean hasChunk(int sequence) {
        return chunks.get(sequence);
    }

    public int chunksSeen() {
        return chunks.cardinality();
    }

    public DumpProgress touched(long now) {
        return new DumpProgress(firstSeenMillis, now, hasMetadata, chunks, expectedChunks, sealedMillis,
                waitingForPfn, passes, analysisMillis, reportedMillis, skippedMillis, stages, partialReport);
    }

    public DumpProgress withMetadata() {
        return new DumpProgress(firstSeenMillis, lastEventMillis, true, chunks, expectedChunks, sealedMillis,
                waitingForPfn, passes, analysisMillis, reportedMillis, skippedMillis, stages, partialReport);
    }

    public DumpProgress withChunk(int sequence) {
        BitSet c = (BitSet) chunks.clone();
        c.set(sequence);
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, c, expectedChunks, sealedMillis,
                waitingForPfn, passes, analysisMillis, reportedMillis, skippedMillis, stages, partialReport);
    }

    public DumpProgress sealedWith(int chunkCount, long now) {
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, chunks, chunkCount,
                sealedMillis >= 0 ? sealedMillis : now, waitingForPfn, passes, analysisMillis, reportedMillis, skippedMillis, stages, partialReport);
    }

    /** One more analysis pass that took {@code millis} and now waits for {@code pfn} (-1: none). */
    public DumpProgress afterPass(long millis, long pfn) {
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, chunks, expectedChunks, sealedMillis,
                pfn, passes + 1, analysisMillis + millis, reportedMillis, skippedMillis, stages, partialReport);
    }

    /** @param partial the report's sections were not all complete */
    public DumpProgress reportedAt(long now, boolean partial) {
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, chunks, expectedChunks, sealedMillis,
                -1, passes, analysisMillis, now, skippedMillis, stages, partial);
    }

    /** Its report was partial and a page came after it: the analysis may now finish what it could not. */
    public boolean reopenable() {
        return reported() && partialReport && !skipped();
    }

    /** Not reported any more: passes run again and the next settled one reports (replacing the partial one). */
    public DumpProgress reopened() {
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, chunks, expectedChunks, sealedMillis,
                -1, passes, analysisMillis, -1, skippedMillis, stages, false);
    }

    public DumpProgress skippedAt(long now) {
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, chunks, expectedChunks, sealedMillis,
                -1, passes, analysisMillis, reportedMillis, now, stages, partialReport);
    }

    /** The metadata's Kafka timestamp (the first copy's: a re-upload does not move it). */
    public DumpProgress acceptedAt(long millis) {
        return stages.acceptedMillis() >= 0 ? this : withStages(new Stages(millis, stages.firstPassMillis()));
    }

    /** A pass begins now; the first one is kept. */
    public DumpProgress passStartedAt(long now) {
        return stages.firstPassMillis() >= 0 ? this : withStages(new Stages(stages.acceptedMillis(), now));
    }

    private DumpProgress withStages(Stages s) {
        return new DumpProgress(firstSeenMillis, lastEventMillis, hasMetadata, chunks, expectedChunks, sealedMillis,
                waitingForPfn, passes, analysisMillis, reportedMillis, skippedMillis, s, partialReport);
    }

    public byte[] encode() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(VERSION);
            out.writeLong(firstSeenMillis);
            out.writeLong(lastEventMillis);
            out.writeBoolean(hasMetadata);
            byte[] bits = chunks.toByteArray();
            out.writeInt(bits.length);
            out.write(bits);
            out.writeInt(expectedChunks);
            out.writeLong(sealedMillis);
            out.writeLong(waitingForPfn);
            out.writeInt(passes);
            out.writeLong(analysisMillis);
            out.writeLong(reportedMillis);
            out.writeLong(skippedMillis);
            out.writeLong(stages.acceptedMillis());
            out.writeLong(stages.firstPassMillis());
            out.writeBoolean(partialReport);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    public static DumpProgress decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION && v != VERSION_WITHOUT_PARTIAL && v != VERSION_WITHOUT_STAGES && v != VERSION_WITHOUT_SKIP) {
                throw new IllegalStateException("dump progress record version " + v + ", expected " + VERSION);
            }
            long first = in.readLong();
            long last = in.readLong();
            boolean meta = in.readBoolean();
            byte[] bits = in.readNBytes(in.readInt());
            int expected = in.readInt();
            long sealed = in.readLong();
            long waiting = in.readLong();
            int passes = in.readInt();
            long analysis = in.readLong();
            long reported = in.readLong();
            long skipped = v >= VERSION_WITHOUT_STAGES ? in.readLong() : -1;
            Stages stages = v >= VERSION_WITHOUT_PARTIAL ? new Stages(in.readLong(), in.readLong()) : Stages.NONE;
            boolean partial = v >= VERSION && in.readBoolean();
            return new DumpProgress(first, last, meta, BitSet.valueOf(bits), expected, sealed, waiting, passes, analysis,
                    reported, skipped, stages, partial);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
