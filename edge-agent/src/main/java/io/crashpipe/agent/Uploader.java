package io.crashpipe.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.PageChunk;

/**
 * Uploads one dump: metadata, every chunk not yet acknowledged (hot pages first unless
 * configured otherwise, see {@link SplitOrder}), then the seal. At most
 * {@code concurrency} chunks are in flight (so memory is bounded); each acknowledgement is
 * checkpointed before it counts; the seal goes only after every chunk was acknowledged.
 */
public final class Uploader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(Uploader.class.getName());

    /** How a dump file is opened for its upload (a test counts the pages read through it). */
    interface DumpOpener {
        Dump open(java.nio.file.Path file) throws IOException;
    }

    private final UploadOptions options;
    private final GatewayClient client;
    private final RateLimiter limiter;
    private final DumpOpener opener;

    public Uploader(UploadOptions options) {
        this(options, ReadAheadSource::open);
    }

    Uploader(UploadOptions options, DumpOpener opener) {
        EventTypes.trust();
        this.options = options;
        this.client = new GatewayClient(options);
        this.limiter = new RateLimiter(options.bytesPerSecond());
        this.opener = opener;
    }

    public UploadResult upload(FoundDump found, Progress progress) throws IOException, InterruptedException {
        return upload(found, progress, null);
    }

    /**
     * Uploads, resuming from the checkpoint: chunks acknowledged in an unbroken run from the first
     * are skipped without reading their pages again, and a sealed dump is not read at all.
     *
     * @param detection when the watcher found the dump complete (carried in the metadata), or null
     *     for a one-off upload
     */
    public UploadResult upload(FoundDump found, Progress progress, Detection detection)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        String dumpId = DumpId.of(found.file());
        try (Checkpoint ckpt = Checkpoint.open(options.stateDir(), dumpId)) {
            return upload(found, progress, detection, dumpId, ckpt, t0);
        }
    }

    private UploadResult upload(FoundDump found, Progress progress, Detection detection, String dumpId, Checkpoint ckpt,
            long t0) throws IOException, InterruptedException {
        boolean fresh = !ckpt.exists();
        SplitCursor from = ckpt.resumeCursor();
        if (ckpt.sealed() && from.nextSequence() > 0) {
            return alreadySealed(found, dumpId, ckpt, from, progress, t0);
        }
        AtomicLong bytes = new AtomicLong();
        client.hello();
        ExecutorService background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "upload-meta-" + dumpId.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        try (Dump dump = opener.open(found.file())) {
            // Latency: what Kafka already has of this dump is asked for, then the metadata travels to the
            // topology, while the hot pages are worked out here; the answer is in before the first
            // chunk, so a dump Kafka has is not sent. Asked first (one thread, in order): the gateway
            // reads a dump's pages back only if its metadata is in Kafka, so a fresh dump's question
            // costs it one small read of dump-meta instead of a day of dump-pages.
            Future<List<Integer>> known = fresh ? background.submit(() -> chunksKafkaHas(dumpId, since(found, detection)))
                    : CompletableFuture.completedFuture(List.of());
            Future<?> metadataSent = CompletableFuture.completedFuture(null);
            if (!ckpt.metadataSent()) {
                ByteBuffer body = metadata(dumpId, found, dump, detection).toByteBuffer();
                bytes.addAndGet(body.remaining());
                metadataSent = background.submit(() -> client.send("PUT", "/v1/dumps/" + dumpId + "/metadata", body));
            }
            SplitOrder order = chooseOrder(ckpt, dump, options.hotPagesFirst());
            await(metadataSent);
            if (!ckpt.metadataSent()) {
                ckpt.recordMetadata();
            }
            // recorded here, after the order: the checkpoint is written by this thread only
            for (int seq : await(known)) {
                ckpt.recordChunk(seq);
            }
            progress.started(dumpId, dump.countPages().dumped(), ckpt.chunksSent());
            ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
                Thread t = new Thread(r, "upload-" + dumpId.substring(0, 8));
                t.setDaemon(true);
                return t;
            });
            Semaphore slots = new Semaphore(options.concurrency());
            // one payload array per chunk in flight and one being filled: the agent's memory for page data
            PayloadBuffers buffers = PayloadBuffers.pool(
                    ChunkBuilder.payloadCapacity(dump.pageSize(), DumpSplitter.MAX_PAYLOAD_BYTES), options.concurrency() + 1);
            Queue<ChunkCompressor> compressors = new ConcurrentLinkedQueue<>();
            Stream stream = new Stream();
            List<Future<?>> pending = new ArrayList<>();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            int[] sent = {0};
            DumpSplitter.Result result;
            try {
                result = DumpSplitter.split(dumpId, dump, order, from, ckpt::chunkSent, new DumpSplitter.ChunkSink() {
                    @Override
                    public void accept(PageChunk chunk) {
                        throw new UnsupportedOperationException("chunks come with their link");
                    }

                    @Override
                    public PayloadBuffers payloadBuffers(int capacity) {
                        return buffers;
                    }

                    @Override
                    public void accept(PageChunk chunk, ChunkChain link) throws IOException, InterruptedException {
                        slots.acquire();
                        rethrow(firstFailure.get()); // stop reading the dump once a chunk was given up
                        pending.removeIf(Future::isDone);
                        sent[0]++;
                        pending.add(pool.submit(() -> {
                            ChunkCompressor z = compressors.poll(); // at most one per worker thread
                            try {
                                if (z == null) {
                                    z = new ChunkCompressor(DumpSplitter.MAX_PAYLOAD_BYTES);
                                }
                                sendChunk(chunk, link, buffers, z, ckpt, bytes, progress, stream);
                                return null;
                            } catch (IOException | InterruptedException | RuntimeException e) {
                                firstFailure.compareAndSet(null, e);
                                throw e;
                            } finally {
                                if (z != null) {
                                    compressors.add(z);
                                }
                                slots.release();
                            }
                        }));
                    }
                });
                for (Future<?> f : pending) {
                    f.get();
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException("chunk upload failed", e.getCause());
            } finally {
                pool.shutdownNow();
                try {
                    pool.awaitTermination(10, TimeUnit.SECONDS); // no worker still compressing with a context
                } finally {
                    compressors.forEach(ChunkCompressor::close);
                }
            }
            if (!ckpt.sealed()) {
                ByteBuffer body = result.sealed().toByteBuffer();
                bytes.addAndGet(body.remaining());
                client.send("POST", "/v1/dumps/" + dumpId + "/seal", body);
                ckpt.recordSealed();
            }
            UploadResult r = new UploadResult(dumpId, result.sealed(), sent[0], bytes.get(), result.payloadBytes(),
                    result.unreadablePages(), Files.size(found.file()), (System.nanoTime() - t0) / 1e9,
                    order.hotPagesFirst(), result.hotChunks(), result.hotPages(), order.fallbackReason().orElse(null),
                    stream.seconds(), stream.pageBytes.get());
            progress.finished(r);
            return r;
        } finally {
            background.shutdownNow();
        }
    }

    /**
     * A time before any of this dump can have been uploaded (epoch ms): its file's last change, or
     * when the watcher saw it complete if earlier. The gateway reads Kafka back only from there.
     */
    private static long since(FoundDump found, Detection detection) throws IOException {
        long t = Files.getLastModifiedTime(found.file()).toMillis();
        return detection == null ? t : Math.min(t, detection.fileComplete().toEpochMilli());
    }

    /** The dump's metadata event, stamped with when it was found complete and when it is sent (now). */
    private DumpMetadata metadata(String dumpId, FoundDump found, Dump dump, Detection detection) throws IOException {
        DumpMetadata meta = MetadataBuilder.build(dumpId, found, dump, options.agentVersion(), options.host());
        if (detection != null) {
            meta.setFileCompleteAt(detection.fileComplete());
            meta.setDetectedAt(detection.detected());
        }
        meta.setFirstByteSentAt(Instant.now());
        return meta;
    }

    private static <T> T await(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            rethrow(e.getCause());
            throw new AssertionError("unreachable");
        }
    }

    /**
     * The split order of this dump: the one its checkpoint recorded if its upload already started
     * (whatever the options say now: see {@link Checkpoint} for why a dump never changes order),
     * else the configured one, recorded before the first event is sent. If the hot pages cannot
     * be computed the dump goes (and stays) in pfn order; the upload never fails for it.
     */
    static SplitOrder chooseOrder(Checkpoint ckpt, Dump dump, boolean hotPagesFirst) throws IOException {
        Optional<SplitOrder> recorded = ckpt.recordedOrder();
        if (recorded.isPresent()) {
            return recorded.get();
        }
        SplitOrder order = SplitOrder.forDump(dump, hotPagesFirst);
        order.fallbackReason().ifPresent(why -> LOG.log(System.Logger.Level.DEBUG, why));
        ckpt.recordOrder(order);
        return order;
    }

    /** A repeated upload of a sealed dump: the checkpoint's last cursor says everything, nothing is read. */
    private static UploadResult alreadySealed(FoundDump found, String dumpId, Checkpoint ckpt, SplitCursor end,
            Progress progress, long t0) throws IOException {
        DumpSplitter.Result result = DumpSplitter.Result.of(dumpId, end);
        progress.started(dumpId, end.pages() + end.zeros(), ckpt.chunksSent());
        SplitOrder order = ckpt.recordedOrder().orElse(SplitOrder.pfn());
        UploadResult r = new UploadResult(dumpId, result.sealed(), 0, 0, result.payloadBytes(), result.unreadablePages(),
                Files.size(found.file()), (System.nanoTime() - t0) / 1e9, order.hotPagesFirst(), result.hotChunks(),
                result.hotPages(), null, 0, 0);
        progress.finished(r);
        return r;
    }

    /**
     * On an upload worker: hashes the chunk (its link of the checksum chain) and compresses it,
     * gives its payload array back, sends it, and checkpoints it with the cursor after it (which
     * waits for the links before it to be chained).
     */
    private void sendChunk(PageChunk raw, ChunkChain link, PayloadBuffers buffers, ChunkCompressor z, Checkpoint ckpt,
            AtomicLong bytes, Progress progress, Stream stream) throws IOException, InterruptedException {
        PageChunk chunk;
        try {
            link.digest();
            chunk = z.compress(raw);
        } finally {
            buffers.give(raw.getPayload().array());
        }
        List<ByteBuffer> body = ChunkBody.of(chunk);
        int size = body.stream().mapToInt(ByteBuffer::remaining).sum();
        limiter.acquire(size);
        stream.sending();
        client.send("PUT", "/v1/dumps/" + chunk.getDumpId() + "/chunks/" + chunk.getSequence(), body);
        ckpt.recordChunk(chunk.getSequence(), link.after());
        stream.acknowledged(chunk.getUncompressedSize());
        bytes.addAndGet(size);
        long pages = chunk.getPages().stream().mapToLong(p -> p.getCount()).sum()
                + chunk.getZeroPages().stream().mapToLong(p -> p.getCount()).sum();
        progress.chunkAcknowledged(chunk.getSequence(), pages, size);
    }

    /** The chunk stream of one run: from the first chunk sent to the last acknowledged, and the page data in it. */
    private static final class Stream {
        final AtomicLong firstSent = new AtomicLong();
        final AtomicLong lastAcknowledged = new AtomicLong();
        final AtomicLong pageBytes = new AtomicLong();

        void sending() {
            firstSent.compareAndSet(0, System.nanoTime());
        }

        void acknowledged(long uncompressed) {
            pageBytes.addAndGet(uncompressed);
            lastAcknowledged.accumulateAndGet(System.nanoTime(), Math::max);
        }

        double seconds() {
            return firstSent.get() == 0 ? 0 : (lastAcknowledged.get() - firstSent.get()) / 1e9;
        }
    }

    /**
     * The chunk numbers the gateway says Kafka already has of this dump (asked when there is no local
     * checkpoint: another host, lost state); none if it cannot say.
     */
    private List<Integer> chunksKafkaHas(String dumpId, long since) {
        List<Integer> present = new ArrayList<>();
        try {
            JsonNode reply = JSON.readTree(client.send("GET", "/v1/dumps/" + dumpId + "/chunks?since=" + since, (ByteBuffer) null));
            for (JsonNode n : reply.path("present")) {
                present.add(n.asInt());
            }
        } catch (IOException e) {
            // Not fatal: without the answer every chunk is sent, and duplicates are harmless.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return present;
    }

    private static void rethrow(Throwable t) throws IOException, InterruptedException {
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (t instanceof InterruptedException ie) {
            throw ie;
        }
        throw new IOException("chunk upload failed: " + t, t);
    }
}
