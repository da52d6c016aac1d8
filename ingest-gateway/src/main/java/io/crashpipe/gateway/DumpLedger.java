package io.crashpipe.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;

/**
 * What the gateway knows of recent dumps, to check each event against the dump it belongs to
 * before it reaches Kafka: no chunk before the metadata, no page outside the memory map, no new
 * chunk after the seal, no second seal, and a repeated sequence number must repeat its content.
 * Bounded in bytes (least recently used dumps are forgotten first). Kafka stays the truth: a dump
 * this gateway does not know (another gateway, a restart, an eviction) is read back from its
 * partitions once, off the event loop, before its next chunk or seal is judged.
 */
final class DumpLedger {
    /** What the ledger says of one event. */
    sealed interface Verdict {
        /** New: publish it, then report {@link #acknowledged} or {@link #failed}. */
        record Accept() implements Verdict {}

        /** Kafka already has exactly this event: answer as acknowledged, publish nothing. */
        record Duplicate() implements Verdict {}

        /** Refused, with the HTTP status and what was expected instead. */
        record Refuse(int status, String expected) implements Verdict {}
    }

    /** What Kafka holds of one dump. */
    record Known(Optional<DumpMetadata> metadata, SequenceDigests chunks, OptionalInt seal) {}

    /**
     * Reads a dump's events back from Kafka; blocking. {@code since} (epoch ms, when known: the
     * dump file's time on its host) bounds how far back: none of the dump can be older.
     */
    interface History {
        Known read(String dumpId, OptionalLong since) throws Exception;
    }

    private static final class Dump {
        MemoryMap map;
        int pageSize;
        final SequenceDigests acked = new SequenceDigests();
        final SequenceDigests pending = new SequenceDigests();
        OptionalInt seal = OptionalInt.empty();
        OptionalInt pendingSeal = OptionalInt.empty();
        boolean historyRead;
        long bytes;

        long measure() {
            return 96 + acked.bytes() + pending.bytes() + (map == null ? 0 : map.bytes());
        }
    }

    private static final int CONFLICT = 409;
    private static final int BAD_REQUEST = 400;

    private final long budget;
    private final History history;
    private final Map<String, Dump> dumps = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    DumpLedger(long budgetBytes, History history) {
        this.budget = budgetBytes;
        this.history = history;
    }

    /** Whether a chunk or seal of this dump can be judged now, without reading Kafka. */
    synchronized boolean knows(String dumpId) {
        return dumps.containsKey(dumpId);
    }

    /** Reads what Kafka has of the dump into the ledger. Blocking: call off the event loop. */
    void readHistory(String dumpId) throws Exception {
        readHistory(dumpId, OptionalLong.empty());
    }

    /** {@link #readHistory(String)} with a lower bound on the dump's age (see {@link History#read}). */
    void readHistory(String dumpId, OptionalLong since) throws Exception {
        Known k = history.read(dumpId, since);
        synchronized (this) {
            Dump d = dumps.computeIfAbsent(dumpId, id -> new Dump());
            if (d.map == null && k.metadata().isPresent()) {
                learn(d, k.metadata().get());
            }
            for (int seq : k.chunks().sequences()) {
                d.acked.put(seq, k.chunks().digest(seq).getAsInt());
            }
            if (d.seal.isEmpty()) {
                d.seal = k.seal();
            }
            d.historyRead = true;
            resize(d);
        }
    }

    /** The acknowledged sequence numbers, ascending. Blocking on a first look: call off the event loop. */
    int[] present(String dumpId, OptionalLong since) throws Exception {
        synchronized (this) {
            Dump d = dumps.get(dumpId);
            if (d != null && d.historyRead) {
                return d.acked.sequences();
            }
        }
        readHistory(dumpId, since);
        synchronized (this) {
            Dump d = dumps.get(dumpId);
            return d == null ? new int[0] : d.acked.sequences();
        }
    }

    synchronized Verdict metadata(String dumpId, DumpMetadata m) {
        Dump d = dumps.computeIfAbsent(dumpId, id -> new Dump());
        learn(d, m);
        resize(d);
        return new Verdict.Accept();
    }

    synchronized Verdict chunk(String dumpId, PageChunk c, int digest) {
        Dump d = dumps.get(dumpId);
        if (d == null || d.map == null) {
            return new Verdict.Refuse(CONFLICT, "the dump's metadata (PUT /v1/dumps/" + dumpId + "/metadata) before its chunks");
        }
        int seq = c.getSequence();
        OptionalInt had = d.acked.digest(seq);
        if (had.isPresent()) {
            return had.getAsInt() == digest ? new Verdict.Duplicate()
                    : new Verdict.Refuse(CONFLICT, "chunk " + seq + " with the content Kafka already has for that sequence number");
        }
        OptionalInt racing = d.pending.digest(seq);
        if (racing.isPresent() && racing.getAsInt() != digest) {
            return new Verdict.Refuse(CONFLICT, "chunk " + seq + " with the content of the copy being published now");
        }
        if (d.seal.isPresent() || d.pendingSeal.isPresent()) {
            return new Verdict.Refuse(CONFLICT, "no new chunk after the dump's seal (chunk " + seq + " was never acknowledged)");
        }
        if (seq >= d.map.pages()) {
            return new Verdict.Refuse(BAD_REQUEST, "a sequence number below " + d.map.pages()
                    + " (the dump's RAM pages; every chunk carries one), got " + seq);
        }
        long pages = 0;
        for (PfnRun r : c.getPages()) {
            if (!d.map.covers(r.getStartPfn(), r.getCount())) {
                return new Verdict.Refuse(BAD_REQUEST, "pages inside the dump's memory map, got " + r.getCount()
                        + " at pfn " + r.getStartPfn());
            }
            pages += r.getCount();
        }
        for (PfnRun r : c.getZeroPages()) {
            if (!d.map.covers(r.getStartPfn(), r.getCount())) {
                return new Verdict.Refuse(BAD_REQUEST, "zero pages inside the dump's memory map, got " + r.getCount()
                        + " at pfn " + r.getStartPfn());
            }
        }
        if (pages * d.pageSize != c.getUncompressedSize()) {
            return new Verdict.Refuse(BAD_REQUEST, "uncompressedSize of " + pages + " pages of " + d.pageSize
                    + " bytes, got " + c.getUncompressedSize());
        }
        d.pending.put(seq, digest);
        resize(d);
        return new Verdict.Accept();
    }

    synchronized Verdict seal(String dumpId, DumpSealed s, int digest) {
        Dump d = dumps.get(dumpId);
        if (d == null || d.map == null) {
            return new Verdict.Refuse(CONFLICT, "the dump's metadata (PUT /v1/dumps/" + dumpId + "/metadata) before its seal");
        }
        if (d.seal.isPresent()) {
            return d.seal.getAsInt() == digest ? new Verdict.Duplicate()
                    : new Verdict.Refuse(CONFLICT, "one seal per dump; this one differs from the seal Kafka already has");
        }
        if (d.pendingSeal.isPresent() && d.pendingSeal.getAsInt() != digest) {
            return new Verdict.Refuse(CONFLICT, "one seal per dump; this one differs from the seal being published now");
        }
        if (s.getChunkCount() < d.acked.size()) {
            return new Verdict.Refuse(CONFLICT, "a seal counting at least the " + d.acked.size()
                    + " chunks already acknowledged, got " + s.getChunkCount());
        }
        d.pendingSeal = OptionalInt.of(digest);
        return new Verdict.Accept();
    }

    /** Kafka acknowledged chunk {@code seq} (or the seal when {@code seq} is null). */
    synchronized void acknowledged(String dumpId, Integer seq, int digest) {
        Dump d = dumps.get(dumpId);
        if (d == null) {
            return;
        }
        if (seq == null) {
            d.seal = OptionalInt.of(digest);
            d.pendingSeal = OptionalInt.empty();
        } else {
            d.pending.remove(seq);
            d.acked.put(seq, digest);
        }
        resize(d);
    }

    /** Publishing failed: the event may be sent again, with any content. */
    synchronized void failed(String dumpId, Integer seq, int digest) {
        Dump d = dumps.get(dumpId);
        if (d == null) {
            return;
        }
        if (seq == null) {
            if (d.pendingSeal.equals(OptionalInt.of(digest))) {
                d.pendingSeal = OptionalInt.empty();
            }
        } else if (d.pending.digest(seq).equals(OptionalInt.of(digest))) {
            d.pending.remove(seq);
        }
        resize(d);
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return dumps.size();
    }

    private static void learn(Dump d, DumpMetadata m) {
        d.map = MemoryMap.of(m.getMemoryMap());
        d.pageSize = m.getPageSize();
    }

    private void resize(Dump d) {
        long now = d.measure();
        bytes += now - d.bytes;
        d.bytes = now;
        var it = dumps.entrySet().iterator();
        while (bytes > budget && dumps.size() > 1 && it.hasNext()) {
            Dump eldest = it.next().getValue();
            if (eldest == d) {
                continue;
            }
            bytes -= eldest.bytes;
            it.remove();
        }
    }
}
