package io.crashpipe.agent;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body published straight from the caller's buffers. The JDK's
 * {@code BodyPublishers.ofByteArray(array, offset, length)} copies the bytes into fresh 16 KiB
 * buffers on every send: for a chunk upload that is all the compressed data once more, and the
 * garbage was most of the agent's collector time. The buffers must stay unchanged until the
 * request is answered; each subscription (a retry subscribes again) starts from their start.
 */
final class BufferBody implements HttpRequest.BodyPublisher {
    private final List<ByteBuffer> parts;
    private final long length;

    BufferBody(List<ByteBuffer> parts) {
        this.parts = List.copyOf(parts);
        this.length = parts.stream().mapToLong(ByteBuffer::remaining).sum();
    }

    @Override
    public long contentLength() {
        return length;
    }

    /**
     * Largest buffer handed to the client. Each socket write of a heap buffer goes through a
     * temporary direct buffer of its size, which the writing thread keeps: whole payloads would
     * keep a megabyte per thread (4 MiB more resident memory, measured), slices this size little.
     */
    static final int SLICE = 64 << 10;

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        ArrayDeque<ByteBuffer> left = new ArrayDeque<>();
        for (ByteBuffer p : parts) {
            ByteBuffer rest = p.asReadOnlyBuffer();
            while (rest.hasRemaining()) {
                int n = Math.min(SLICE, rest.remaining());
                left.add(rest.slice(rest.position(), n));
                rest.position(rest.position() + n);
            }
        }
        subscriber.onSubscribe(new Subscription(subscriber, left));
    }

    /** Hands out the parts as demand arrives; one drain loop at a time, even when onNext requests more. */
    private static final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final ArrayDeque<ByteBuffer> left; // touched only inside drain
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger draining = new AtomicInteger();
        private volatile boolean cancelled;
        private boolean done;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber, ArrayDeque<ByteBuffer> left) {
            this.subscriber = subscriber;
            this.left = left;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        private void drain() {
            if (draining.getAndIncrement() != 0) {
                return; // the loop already running picks the new demand up
            }
            int missed = 1;
            do {
                while (!cancelled && !left.isEmpty() && demand.get() > 0) {
                    demand.decrementAndGet();
                    subscriber.onNext(left.poll());
                }
                if (!cancelled && left.isEmpty() && !done) {
                    done = true;
                    subscriber.onComplete();
                }
                missed = draining.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
