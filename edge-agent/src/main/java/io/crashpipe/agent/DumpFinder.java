package io.crashpipe.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.crashpipe.schemas.events.DumpLayout;

/**
 * Finds dumps under a crash directory, in the layouts the capture tools leave:
 * Debian/Ubuntu kdump-tools ({@code YYYYMMDDHHMM/dump.YYYYMMDDHHMM} and {@code dmesg.*}) and
 * RHEL kdump ({@code HOST-DATE-TIME/vmcore} and {@code vmcore-dmesg.txt}).
 *
 * <p>Both tools write the dump under a temporary name and rename it when it is complete
 * (kdump-tools {@code dump-incomplete -> dump.STAMP}, RHEL {@code vmcore-incomplete -> vmcore}),
 * so a dump under its final name with no {@code -incomplete} file beside it is a
 * {@link #candidates candidate}. {@link #find} adds the old rule for one-shot scans: a candidate
 * also counts only once unmodified for the quiet period (a dump copied into place by hand is
 * written under its final name). The watcher decides completion itself, see {@link DumpWatcher}.
 */
public final class DumpFinder {
    private static final Pattern KDUMP_TOOLS_DIR = Pattern.compile("\\d{12}");
    private static final Pattern KDUMP_TOOLS_DUMP = Pattern.compile("dump\\.\\d{12}");
    private static final Pattern RHEL_DIR = Pattern.compile(".+-\\d{4}-\\d{2}-\\d{2}-\\d{2}:\\d{2}(:\\d{2})?");

    private final Duration quietPeriod;

    public DumpFinder(Duration quietPeriod) {
        this.quietPeriod = quietPeriod;
    }

    /** Candidates unmodified for the quiet period, in path order. */
    public List<FoundDump> find(Path crashDir) throws IOException {
        List<FoundDump> out = new ArrayList<>();
        for (FoundDump d : candidates(crashDir)) {
            if (settled(d.file())) {
                out.add(d);
            }
        }
        return out;
    }

    /** Every dump under its final name with no {@code -incomplete} file beside it, in path order. */
    public static List<FoundDump> candidates(Path crashDir) throws IOException {
        List<FoundDump> out = new ArrayList<>();
        if (!Files.isDirectory(crashDir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(crashDir, Files::isDirectory)) {
            for (Path d : dirs) {
                candidate(d).ifPresent(out::add);
            }
        }
        out.sort((a, b) -> a.file().compareTo(b.file()));
        return out;
    }

    /** Whether a directory's name is one a capture tool gives a dump directory. */
    public static boolean isDumpDirectory(Path dir) {
        String name = dir.getFileName().toString();
        return KDUMP_TOOLS_DIR.matcher(name).matches() || RHEL_DIR.matcher(name).matches();
    }

    /** The candidate in one dump directory, if its layout has one under its final name. */
    public static Optional<FoundDump> candidate(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        if (KDUMP_TOOLS_DIR.matcher(name).matches()) {
            return kdumpTools(dir);
        }
        if (RHEL_DIR.matcher(name).matches()) {
            return rhel(dir);
        }
        return Optional.empty();
    }

    /** Whether {@code fileName} in a dump directory is a tool's name for a dump still being written. */
    static boolean isIncompleteName(String fileName) {
        return fileName.startsWith("dump-incomplete") || fileName.equals("vmcore-incomplete");
    }

    private static Optional<FoundDump> kdumpTools(Path dir) throws IOException {
        Path dump = null;
        Path dmesg = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.startsWith("dump-incomplete")) {
                    return Optional.empty();
                }
                if (KDUMP_TOOLS_DUMP.matcher(n).matches()) {
                    dump = f;
                } else if (n.startsWith("dmesg.")) {
                    dmesg = f;
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            return Optional.empty(); // removed between listing and reading
        }
        return dump != null && Files.isRegularFile(dump)
                ? Optional.of(new FoundDump(dump, Optional.ofNullable(dmesg), DumpLayout.KDUMP_TOOLS)) : Optional.empty();
    }

    private static Optional<FoundDump> rhel(Path dir) {
        Path dump = dir.resolve("vmcore");
        if (Files.exists(dir.resolve("vmcore-incomplete")) || !Files.isRegularFile(dump)) {
            return Optional.empty();
        }
        Path dmesg = dir.resolve("vmcore-dmesg.txt");
        return Optional.of(new FoundDump(dump, Files.isRegularFile(dmesg) ? Optional.of(dmesg) : Optional.empty(), DumpLayout.RHEL));
    }

    private boolean settled(Path f) throws IOException {
        Instant modified = Files.getLastModifiedTime(f).toInstant();
        return modified.plus(quietPeriod).isBefore(Instant.now());
    }
}
