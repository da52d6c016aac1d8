package io.crashpipe.sink;

import io.crashpipe.sink.write.Ack;
import io.crashpipe.sink.write.AckListener;
import io.crashpipe.sink.write.DeadLetter;
import io.crashpipe.sink.write.DeadLetterHandler;
import io.crashpipe.sink.write.SinkDocument;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers how every record (keyed by its context, e.g. an offset) was settled, and the dead letters. */
final class RecordingAcks implements AckListener<Long>, DeadLetterHandler<Long> {
    final Map<Long, Ack> acked = new ConcurrentHashMap<>();
    final Map<Long, String> failed = new ConcurrentHashMap<>();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    @Override
    public void acknowledged(Long offset, Ack ack) {
        acked.put(offset, ack);
    }

    @Override
    public void failed(Long offset, SinkDocument document, String reason) {
        failed.put(offset, reason);
    }

    @Override
    public void deadLetter(Long offset, DeadLetter letter) {
        deadLetters.add(letter);
    }
}
