package io.crashpipe.agent;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent's daemon loop: watches a crash directory with file-system events and uploads each
 * dump once it is complete and not yet sealed according to its checkpoint.
 *
 * <p>Completion is the capture tool's rename (see {@link DumpFinder} and {@link Completion}): a
 * dump renamed into place goes out after a short grace, with no quiet period; a dump written in
 * place under its final name waits for the quiet period. The crash directory and each dump
 * directory in it are watched (a dump directory is made, then the dump is written and renamed
 * inside it); a full rescan every {@code interval} catches what events cannot report (an
 * overflowed event queue, a network file system). One bad dump or an unreachable gateway is
 * reported and retried after {@code interval}; it never ends the loop.
 */
public final class DumpWatcher implements Runnable {
    /** How long a candidate's size and time must stay put after it appears (the rename is atomic). */
    static final Duration GRACE = Duration.ofMillis(200);

    /** What happened to one dump. */
    public sealed interface Outcome {
        FoundDump dump();

        /** Judged complete; {@code signal} says why (renamed into place, or quiet after writes). */
        record Detected(FoundDump dump, Instant at, String signal) implements Outcome {}

        record Uploaded(FoundDump dump, UploadResult result) implements Outcome {}

        record Failed(FoundDump dump, String reason) implements Outcome {}
    }

    /** Uploads one complete dump. */
    @FunctionalInterface
    public interface Upload {
        UploadResult upload(FoundDump dump, Detection detection) throws IOException, InterruptedException;
    }

    private final Path directory;
    private final Duration quietPeriod;
    private final UploadOptions options;
    private final Duration interval;
    private final Consumer<Outcome> listener;
    private final Upload upload;

    /** Candidates not yet judged complete (or whose upload failed), by file. */
    private final Map<Path, Completion> pending = new HashMap<>();
    /** Upload failed: not before this time (nanos) again. */
    private final Map<Path, Long> retryAt = new HashMap<>();
    /** Files uploaded or found sealed, with the size and time they had then. */
    private final Map<Path, String> done = new HashMap<>();
    private final Map<WatchKey, Path> watched = new HashMap<>();

    public DumpWatcher(Path directory, Duration quietPeriod, UploadOptions options, Duration interval,
            Consumer<Outcome> listener) {
        this(directory, quietPeriod, options, interval, listener,
                (d, detection) -> new Uploader(options).upload(d, Progress.NONE, detection));
    }

    public DumpWatcher(Path directory, Duration quietPeriod, UploadOptions options, Duration interval,
            Consumer<Outcome> listener, Upload upload) {
        this.directory = directory;
        this.quietPeriod = quietPeriod;
        this.options = options;
        this.interval = interval;
        this.listener = listener;
        this.upload = upload;
    }

    /**
     * One scan without events (for {@code --once}): uploads every candidate unmodified for the
     * quiet period whose upload is not sealed yet.
     */
    public void scanOnce() throws IOException, InterruptedException {
        for (FoundDump d : new DumpFinder(quietPeriod).find(directory)) {
            if (!alreadySealed(d)) {
                Instant now = Instant.now();
                uploadNow(d, new Detection(now, now), "unmodified for " + quietPeriod.toSeconds() + " s");
            }
        }
    }

    /** Watches until interrupted. */
    @Override
    public void run() {
        try (WatchService ws = directory.getFileSystem().newWatchService()) {
            loop(ws);
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            listener.accept(new Outcome.Failed(FoundDump.single(directory), "cannot watch: " + e.getMessage()));
        }
    }

    private void loop(WatchService ws) throws InterruptedException {
        long nextRescan = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            if (now - nextRescan >= 0) {
                rescan(ws);
                nextRescan = System.nanoTime() + interval.toNanos();
            }
            WatchKey key = ws.poll(Math.max(1, Math.min(nextRescan - System.nanoTime(), nextDeadline())),
                    TimeUnit.NANOSECONDS);
            while (key != null) {
                if (handle(ws, key)) {
                    nextRescan = System.nanoTime(); // events were lost: look at everything
                }
                key = ws.poll();
            }
            uploadCompleted();
        }
    }

    /** Registers what is new and notes every candidate; reports an unreadable crash directory. */
    private void rescan(WatchService ws) {
        try {
            if (!Files.isDirectory(directory)) {
                return;
            }
            register(ws, directory);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(directory, Files::isDirectory)) {
                for (Path d : dirs) {
                    if (DumpFinder.isDumpDirectory(d)) {
                        register(ws, d);
                        look(d);
                    }
                }
            }
        } catch (IOException e) {
            // the directory itself is unreadable (unmounted, permissions): say so, try again later
            listener.accept(new Outcome.Failed(FoundDump.single(directory), e.getMessage()));
        }
    }

    private void register(WatchService ws, Path dir) throws IOException {
        if (!watched.containsValue(dir)) {
            watched.put(dir.register(ws, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), dir);
        }
    }

    /** Handles one key's events; true when events were lost. */
    private boolean handle(WatchService ws, WatchKey key) {
        Path dir = watched.get(key);
        boolean overflow = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == OVERFLOW || dir == null) {
                overflow = true;
                continue;
            }
            Path child = dir.resolve((Path) e.context());
            try {
                if (dir.equals(directory)) {
                    // a dump directory made, or moved in whole
                    if (e.kind() == ENTRY_CREATE && Files.isDirectory(child) && DumpFinder.isDumpDirectory(child)) {
                        register(ws, child);
                        look(child); // files made before the registration sent no event
                    }
                } else if (e.kind() == ENTRY_MODIFY) {
                    Completion c = pending.get(child);
                    if (c != null) {
                        c.written(System.nanoTime());
                    }
                } else {
                    look(dir); // a rename into place, an -incomplete file made or gone
                }
            } catch (IOException ex) {
                listener.accept(new Outcome.Failed(FoundDump.single(child), ex.getMessage()));
            }
        }
        if (!key.reset()) {
            watched.remove(key); // the directory is gone
        }
        return overflow;
    }

    /** Notes the dump directory's candidate, if it has one not yet handled. */
    private void look(Path dumpDir) throws IOException {
        DumpFinder.candidate(dumpDir).ifPresentOrElse(d -> note(d.file()), () -> forgetUnder(dumpDir));
    }

    private void note(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (signature(a).equals(done.get(file))) {
                return;
            }
            long now = System.nanoTime();
            Completion c = pending.get(file);
            if (c == null) {
                pending.put(file, new Completion(a.size(), a.lastModifiedTime().toMillis(), now));
            } else {
                c.looked(a.size(), a.lastModifiedTime().toMillis(), now);
            }
        } catch (IOException gone) {
            pending.remove(file);
        }
    }

    /** A dump directory without a candidate (renamed back, being rewritten, removed). */
    private void forgetUnder(Path dumpDir) {
        pending.keySet().removeIf(f -> f.getParent().equals(dumpDir));
    }

    private long nextDeadline() {
        long now = System.nanoTime();
        long next = interval.toNanos();
        for (Map.Entry<Path, Completion> e : pending.entrySet()) {
            long wait = e.getValue().remainingNanos(now, GRACE, quietPeriod);
            Long retry = retryAt.get(e.getKey());
            if (retry != null) {
                wait = Math.max(wait, retry - now);
            }
            next = Math.min(next, wait);
        }
        return next;
    }

    private void uploadCompleted() throws InterruptedException {
        Set<Path> ready = new HashSet<>();
        long now = System.nanoTime();
        for (Map.Entry<Path, Completion> e : pending.entrySet()) {
            Long retry = retryAt.get(e.getKey());
            if (e.getValue().remainingNanos(now, GRACE, quietPeriod) <= 0 && (retry == null || retry - now <= 0)) {
                ready.add(e.getKey());
            }
        }
        for (Iterator<Path> it = ready.stream().sorted().iterator(); it.hasNext(); ) {
            Path file = it.next();
            Completion c = pending.get(file);
            // one last look: a write that raced the grace turns it into an in-place write
            note(file);
            if (c == null || pending.get(file) == null || c.remainingNanos(System.nanoTime(), GRACE, quietPeriod) > 0) {
                continue;
            }
            try {
                FoundDump d = DumpFinder.candidate(file.getParent()).filter(f -> f.file().equals(file)).orElse(null);
                if (d == null) {
                    pending.remove(file);
                    continue;
                }
                String signal = c.writtenInPlace() ? "unmodified for " + quietPeriod.toSeconds() + " s after writes"
                        : "renamed into place";
                String sig = signature(Files.readAttributes(file, BasicFileAttributes.class));
                Instant at = Instant.now();
                Detection detection = new Detection(c.completeAt(System.nanoTime(), at), at);
                if (alreadySealed(d) || uploadNow(d, detection, signal)) {
                    pending.remove(file);
                    retryAt.remove(file);
                    done.put(file, sig);
                } else {
                    retryAt.put(file, System.nanoTime() + interval.toNanos());
                }
            } catch (IOException e) {
                listener.accept(new Outcome.Failed(FoundDump.single(file), e.getMessage()));
                retryAt.put(file, System.nanoTime() + interval.toNanos());
            }
        }
    }

    private boolean alreadySealed(FoundDump d) throws IOException {
        return Checkpoint.open(options.stateDir(), DumpId.of(d.file())).sealed();
    }

    /** Uploads one dump, reporting the outcome; false when it failed (to be retried). */
    private boolean uploadNow(FoundDump d, Detection detection, String signal) throws InterruptedException {
        listener.accept(new Outcome.Detected(d, detection.detected(), signal));
        try {
            listener.accept(new Outcome.Uploaded(d, upload.upload(d, detection)));
            return true;
        } catch (IOException | RuntimeException e) {
            listener.accept(new Outcome.Failed(d, e.getMessage() == null ? e.toString() : e.getMessage()));
            return false;
        }
    }

    private static String signature(BasicFileAttributes a) {
        return a.size() + "@" + a.lastModifiedTime().toMillis();
    }
}
