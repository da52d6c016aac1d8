package io.crashpipe.agent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Where a {@link ChunkBuilder} gets the array it fills with a chunk's pages. Pooled for an upload:
 * a fixed number of arrays go round (filled, compressed and hashed, given back), so the agent
 * allocates nothing per chunk, its heap stays small and the collector stays idle whatever the
 * dump's size; taking waits while every array is out (backpressure). Unpooled for callers that
 * keep the chunks (tests, the topology's test events): each chunk gets its own exact-size copy.
 */
sealed interface PayloadBuffers {

    /** The next array to fill; waits for one to be given back when pooled. */
    byte[] take() throws InterruptedException;

    /** Gives back an array whose chunk was sent (and hashed); nothing for an unpooled source. */
    void give(byte[] buffer);

    /** Whether a built chunk's payload is the filled array itself (which must be given back). */
    boolean pooled();

    static PayloadBuffers unpooled(int size) {
        return new Unpooled(size);
    }

    static PayloadBuffers pool(int size, int count) {
        return new Pool(size, count);
    }

    /** A fresh array each time; built chunks get exact-size copies. */
    record Unpooled(int size) implements PayloadBuffers {
        @Override
        public byte[] take() {
            return new byte[size];
        }

        @Override
        public void give(byte[] buffer) {}

        @Override
        public boolean pooled() {
            return false;
        }
    }

    /** {@code count} arrays of {@code size} bytes, made as first needed. */
    final class Pool implements PayloadBuffers {
        private final int size;
        private final BlockingQueue<byte[]> free;
        private int made;
        private final int count;

        Pool(int size, int count) {
            this.size = size;
            this.count = count;
            this.free = new ArrayBlockingQueue<>(count);
        }

        @Override
        public byte[] take() throws InterruptedException {
            synchronized (this) {
                if (free.isEmpty() && made < count) {
                    made++;
                    return new byte[size];
                }
            }
            return free.take();
        }

        @Override
        public void give(byte[] buffer) {
            if (buffer.length == size && !free.offer(buffer)) {
                throw new IllegalStateException("a payload array was given back twice");
            }
        }

        @Override
        public boolean pooled() {
            return true;
        }
    }
}
