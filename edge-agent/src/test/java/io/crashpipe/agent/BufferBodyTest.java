package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BufferBodyTest {

    /** Records what a subscriber sees, asking for one buffer at a time from inside onNext. */
    private static final class OneAtATime implements Flow.Subscriber<ByteBuffer> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<ByteBuffer> buffers = new ArrayList<>();
        int completions;
        Throwable error;
        Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer b) {
            buffers.add(b);
            byte[] a = new byte[b.remaining()];
            b.get(a);
            bytes.writeBytes(a);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            completions++;
        }
    }

    @Test
    void publishesEveryPartInOrderWithoutCopyingAndLeavesTheSourcesUntouched() {
        byte[] pool = {9, 9, 1, 2, 3, 4, 5, 9};
        ByteBuffer prefix = ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01});
        ByteBuffer payload = ByteBuffer.wrap(pool, 2, 5); // a slice of a larger pooled array
        BufferBody body = new BufferBody(List.of(prefix, ByteBuffer.allocate(0), payload));
        assertEquals(7, body.contentLength());

        OneAtATime s = new OneAtATime();
        body.subscribe(s);
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5}, s.bytes.toByteArray());
        assertEquals(1, s.completions);
        assertEquals(2, s.buffers.size(), "the empty part is skipped");
        assertSame(pool, payload.array());
        assertEquals(2, payload.position(), "the caller's buffer keeps its position");
        assertEquals(0, prefix.position());

        OneAtATime again = new OneAtATime(); // a retry subscribes again and gets the same bytes
        body.subscribe(again);
        assertArrayEquals(s.bytes.toByteArray(), again.bytes.toByteArray());
        assertEquals(1, again.completions);
    }

    @Test
    void aLargePartIsHandedOutInSlicesOfTheSameArray() {
        byte[] big = new byte[BufferBody.SLICE * 2 + 5];
        big[BufferBody.SLICE] = 7;
        OneAtATime s = new OneAtATime();
        new BufferBody(List.of(ByteBuffer.wrap(big))).subscribe(s);
        assertEquals(3, s.buffers.size());
        assertArrayEquals(big, s.bytes.toByteArray());
        assertEquals(1, s.completions);
    }

    @Test
    void anEmptyBodyCompletesAtOnceAndANonPositiveRequestIsAnError() {
        OneAtATime s = new OneAtATime();
        new BufferBody(List.of()).subscribe(s);
        assertEquals(1, s.completions);
        assertEquals(0, s.bytes.size());

        List<Throwable> errors = new ArrayList<>();
        new BufferBody(List.of(ByteBuffer.wrap(new byte[] {1}))).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription sub) {
                sub.request(0);
            }

            @Override
            public void onNext(ByteBuffer item) {
                errors.add(new AssertionError("no item after a bad request"));
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onComplete() {
                errors.add(new AssertionError("no completion after a bad request"));
            }
        });
        assertEquals(1, errors.size());
        assertInstanceOf(IllegalArgumentException.class, errors.get(0));
    }
}
