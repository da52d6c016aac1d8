package io.crashpipe.parsers.dump.kdump;

import io.crashpipe.parsers.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads page descriptors in blocks and keeps the most recent blocks, so sequential page reads
 * touch the descriptor table once per block. Bounded: {@code maxBlocks} x 4 KiB.
 */
final class DescriptorCache {
    static final int PER_BLOCK = 170; // 170 * 24 = 4080 bytes, about one page

    private final ByteSource src;
    private final long tableOffset;
    private final long count;
    private final Map<Long, ByteBuffer> blocks;

    DescriptorCache(ByteSource src, long tableOffset, long count, int maxBlocks) {
        this.src = src;
        this.tableOffset = tableOffset;
        this.count = count;
        this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, ByteBuffer> e) {
                return size() > maxBlocks;
            }
        };
    }

    /** Descriptor number {@code index}; throws when the table is cut off by the end of the file. */
    PageDescriptor get(long index) throws IOException {
        long block = index / PER_BLOCK;
        ByteBuffer b;
        synchronized (blocks) {
            b = blocks.get(block);
        }
        if (b == null) {
            long first = block * PER_BLOCK;
            int n = (int) Math.min(PER_BLOCK, count - first);
            long at = tableOffset + first * PageDescriptor.SIZE;
            long avail = Math.max(0, src.size() - at);
            int len = (int) Math.min((long) n * PageDescriptor.SIZE, avail);
            byte[] raw = new byte[n * PageDescriptor.SIZE]; // a cut-off tail reads as unwritten (zero) descriptors
            src.readFully(at, raw, 0, len, "page descriptors");
            b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            synchronized (blocks) {
                blocks.put(block, b);
            }
        }
        return PageDescriptor.read(b, (int) (index % PER_BLOCK) * PageDescriptor.SIZE);
    }

    long offsetOf(long index) {
        return tableOffset + index * PageDescriptor.SIZE;
    }
}
