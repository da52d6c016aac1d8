package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.crashpipe.schemas.events.DumpLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher takes the capture tools' rename as the completion signal: a dump renamed into
 * place goes at once, even with a quiet period far longer than the test; a dump written in place
 * under its final name waits for the quiet period after its last write.
 */
class DumpWatcherTest {
    /** A quiet period no test waits for: anything uploaded within a test was not held by it. */
    private static final Duration LONG_QUIET = Duration.ofMinutes(10);
    /** The full rescan: long too, so that only file-system events can explain an upload. */
    private static final Duration LONG_INTERVAL = Duration.ofMinutes(10);
    /** How long a test waits for what must happen: generous, the machines running tests can be very busy. */
    private static final long WAIT_S = 30;

    @TempDir
    Path crash;
    @TempDir
    Path state;

    private final BlockingQueue<FoundDump> uploads = new LinkedBlockingQueue<>();
    private final BlockingQueue<DumpWatcher.Outcome.Detected> detections = new LinkedBlockingQueue<>();
    private Thread thread;

    private void start(Duration quietPeriod) throws InterruptedException {
        UploadOptions options = UploadOptions.defaults(URI.create("http://127.0.0.1:1/"), "t", state);
        DumpWatcher w = new DumpWatcher(crash, quietPeriod, options, LONG_INTERVAL, o -> {
            if (o instanceof DumpWatcher.Outcome.Detected d) {
                detections.add(d);
            }
        }, (d, detected) -> {
            uploads.add(d);
            throw new IOException("no gateway in this test");
        });
        thread = new Thread(w, "watcher-under-test");
        thread.setDaemon(true);
        thread.start();
        Thread.sleep(1000); // the first scan registers the directories
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
    }

    private static void write(Path f, int bytes) throws IOException {
        Files.write(f, new byte[bytes]);
    }

    @Test
    void aKdumpToolsDumpRenamedFromDumpIncompleteGoesAtOnceWithoutTheQuietPeriod() throws Exception {
        start(LONG_QUIET);
        Path dir = Files.createDirectory(crash.resolve("202612061000"));
        Path incomplete = dir.resolve("dump-incomplete");
        write(incomplete, 64 * 1024);
        write(dir.resolve("dmesg.202612061000"), 100);
        assertNull(uploads.poll(700, TimeUnit.MILLISECONDS), "nothing goes while makedumpfile still writes");

        long t0 = System.nanoTime();
        Path dump = Files.move(incomplete, dir.resolve("dump.202612061000"), StandardCopyOption.ATOMIC_MOVE);
        FoundDump d = uploads.poll(WAIT_S, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertNotNull(d, "the rename is the signal");
        assertEquals(dump, d.file());
        assertEquals(DumpLayout.KDUMP_TOOLS, d.layout());
        assertEquals(dir.resolve("dmesg.202612061000"), d.dmesg().orElseThrow());
        assertTrue(ms < LONG_QUIET.toMillis() / 10, "uploaded " + ms + " ms after the rename");
        assertEquals("renamed into place", detections.take().signal());
    }

    @Test
    void aRhelDumpRenamedFromVmcoreIncompleteGoesAtOnce() throws Exception {
        start(LONG_QUIET);
        Path dir = Files.createDirectory(crash.resolve("127.0.0.1-2026-12-06-10:00:00"));
        Path incomplete = dir.resolve("vmcore-incomplete");
        write(incomplete, 64 * 1024);
        assertNull(uploads.poll(700, TimeUnit.MILLISECONDS), "vmcore-incomplete is still being written");
        Files.move(incomplete, dir.resolve("vmcore"), StandardCopyOption.ATOMIC_MOVE);
        FoundDump d = uploads.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(d);
        assertEquals(dir.resolve("vmcore"), d.file());
        assertEquals(DumpLayout.RHEL, d.layout());
    }

    @Test
    void aDumpDirectoryMovedInWholeGoesAtOnce() throws Exception {
        start(LONG_QUIET);
        Path staging = Files.createTempDirectory(crash.getParent(), "staging");
        Path dir = Files.createDirectory(staging.resolve("202612061001"));
        write(dir.resolve("dump.202612061001"), 64 * 1024);
        Files.move(dir, crash.resolve("202612061001"), StandardCopyOption.ATOMIC_MOVE);
        FoundDump d = uploads.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(d);
        assertEquals(crash.resolve("202612061001/dump.202612061001"), d.file());
    }

    @Test
    void aDumpWrittenInPlaceUnderItsFinalNameWaitsForTheQuietPeriodAfterItsLastWrite() throws Exception {
        Duration quiet = Duration.ofMillis(1500);
        start(quiet);
        Path dir = Files.createDirectory(crash.resolve("202612061002"));
        Path dump = dir.resolve("dump.202612061002");
        long lastWrite;
        try (OutputStream out = Files.newOutputStream(dump)) {
            for (int i = 0; i < 8; i++) {
                out.write(new byte[4096]);
                out.flush();
                Thread.sleep(100);
            }
            lastWrite = System.nanoTime();
        }
        FoundDump d = uploads.poll(WAIT_S, TimeUnit.SECONDS);
        long afterLastWrite = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastWrite);
        assertNotNull(d, "the quiet period is the fallback");
        assertTrue(afterLastWrite >= quiet.toMillis() - 150, "went " + afterLastWrite + " ms after the last write");
        assertTrue(detections.take().signal().startsWith("unmodified for"));
    }

    @Test
    void aFailedUploadIsNotRetriedBeforeTheInterval() throws Exception {
        start(LONG_QUIET);
        Path dir = Files.createDirectory(crash.resolve("202612061003"));
        Path incomplete = dir.resolve("dump-incomplete");
        write(incomplete, 4096);
        Files.move(incomplete, dir.resolve("dump.202612061003"), StandardCopyOption.ATOMIC_MOVE);
        assertNotNull(uploads.poll(WAIT_S, TimeUnit.SECONDS));
        assertNull(uploads.poll(1, TimeUnit.SECONDS), "the gateway was down: wait for the interval");
    }

    @Test
    void detectionTimeIsWhenTheWatcherJudgedItComplete() throws Exception {
        start(LONG_QUIET);
        Instant before = Instant.now();
        Path dir = Files.createDirectory(crash.resolve("202612061004"));
        Path incomplete = dir.resolve("dump-incomplete");
        write(incomplete, 4096);
        Files.move(incomplete, dir.resolve("dump.202612061004"), StandardCopyOption.ATOMIC_MOVE);
        DumpWatcher.Outcome.Detected d = detections.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(d);
        assertTrue(!d.at().isBefore(before) && !d.at().isAfter(Instant.now()), d.at().toString());
    }
}
