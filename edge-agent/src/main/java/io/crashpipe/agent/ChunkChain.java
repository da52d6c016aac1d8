package io.crashpipe.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.List;

import io.crashpipe.schemas.events.PfnRun;

/**
 * One link of the dump's chained page-data checksum (see {@link DumpSplitter}):
 * {@code chain = sha256(previous chain || sha256(pfn, page, ... of this chunk's pages))}. The
 * chunk's own digest is the expensive part (every page byte), and it does not depend on the
 * links before: the upload worker that compresses the chunk computes it there, in parallel with
 * the other workers and with the reading; only the 64-byte chaining step waits for the previous
 * link. A link that nobody asked for is computed by whoever asks for a later one (or the end of
 * the walk), while its chunk's pages are still held.
 */
final class ChunkChain {
    private final int pageSize;
    private final SplitCursor cursorWithoutChain;
    private ChunkChain previous;
    private ByteBuffer payload;
    private List<PfnRun> pages;
    private byte[] digest;
    private byte[] chain;

    private ChunkChain(ChunkChain previous, SplitCursor cursorWithoutChain, int pageSize) {
        this.previous = previous;
        this.cursorWithoutChain = cursorWithoutChain;
        this.pageSize = pageSize;
    }

    /** The start of a walk (or of a resumed walk): the chain so far, nothing to compute. */
    static ChunkChain start(byte[] chain) {
        ChunkChain c = new ChunkChain(null, null, 0);
        c.chain = chain.clone();
        return c;
    }

    /** The next link, whose digest is computed from {@code payload} (pages in {@code pages} order) when asked. */
    ChunkChain next(SplitCursor cursorWithoutChain, ByteBuffer payload, List<PfnRun> pages, int pageSize) {
        ChunkChain c = new ChunkChain(this, cursorWithoutChain, pageSize);
        c.payload = payload.duplicate();
        c.pages = pages;
        return c;
    }

    /** The next link with its chunk's digest already known. */
    ChunkChain next(SplitCursor cursorWithoutChain, byte[] digest) {
        ChunkChain c = new ChunkChain(this, cursorWithoutChain, 0);
        c.digest = digest;
        return c;
    }

    /** This chunk's page-data digest; once it returns, the chunk's payload is no longer read. */
    synchronized byte[] digest() {
        if (digest == null) {
            digest = digestOf(payload, pages, pageSize);
            payload = null;
            pages = null;
        }
        return digest;
    }

    /** The chained checksum after this chunk (waits for, or computes, the links before). */
    synchronized byte[] chain() {
        if (chain == null) {
            MessageDigest sha = DumpId.sha256();
            sha.update(previous.chain());
            sha.update(digest());
            chain = sha.digest();
            previous = null; // what came before is summed up: let it go
        }
        return chain;
    }

    /** The split cursor right after this chunk, checksum included. */
    SplitCursor after() {
        SplitCursor c = cursorWithoutChain;
        return new SplitCursor(c.phase(), c.nextPfn(), c.nextSequence(), c.pages(), c.zeros(), c.unreadable(),
                c.payloadBytes(), c.hotChunks(), c.hotPages(), chain().clone());
    }

    /** sha256 over (pfn as 8 bytes little-endian, page bytes) of each payload page, in order. */
    static byte[] digestOf(ByteBuffer payload, List<PfnRun> pages, int pageSize) {
        MessageDigest sha = DumpId.sha256();
        ByteBuffer pfnBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer p = payload.duplicate();
        int at = p.position();
        for (PfnRun run : pages) {
            for (int i = 0; i < run.getCount(); i++) {
                sha.update(pfnBytes.clear().putLong(run.getStartPfn() + i).array());
                sha.update(p.limit(at + pageSize).position(at));
                at += pageSize;
            }
        }
        return sha.digest();
    }
}
