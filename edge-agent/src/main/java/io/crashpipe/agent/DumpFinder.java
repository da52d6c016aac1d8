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
 * Finds finished dumps under a crash directory, in the layouts the capture tools leave:
 * Debian/Ubuntu kdump-tools ({@code YYYYMMDDHHMM/dump.YYYYMMDDHHMM} and {@code dmesg.*}) and
 * RHEL kdump ({@code HOST-DATE-TIME/vmcore} and {@code vmcore-dmesg.txt}). A dump still being
 * written is skipped: kdump-tools' {@code dump-incomplete}, RHEL's {@code vmcore-incomplete},
 * and any file modified within the quiet period.
 */
public final class DumpFinder {
    private static final Pattern KDUMP_TOOLS_DIR = Pattern.compile("\\d{12}");
    private static final Pattern KDUMP_TOOLS_DUMP = Pattern.compile("dump\\.\\d{12}");
    private static final Pattern RHEL_DIR = Pattern.compile(".+-\\d{4}-\\d{2}-\\d{2}-\\d{2}:\\d{2}(:\\d{2})?");

    private final Duration quietPeriod;

    public DumpFinder(Duration quietPeriod) {
        this.quietPeriod = quietPeriod;
    }

    public List<FoundDump> find(Path crashDir) throws IOException {
        List<FoundDump> out = new ArrayList<>();
        if (!Files.isDirectory(crashDir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(crashDir, Files::isDirectory)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (KDUMP_TOOLS_DIR.matcher(name).matches()) {
                    kdumpTools(d).ifPresent(out::add);
                } else if (RHEL_DIR.matcher(name).matches()) {
                    rhel(d).ifPresent(out::add);
                }
            }
        }
        out.sort((a, b) -> a.file().compareTo(b.file()));
        return out;
    }

    private Optional<FoundDump> kdumpTools(Path dir) throws IOException {
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
        }
        return dump != null && settled(dump)
                ? Optional.of(new FoundDump(dump, Optional.ofNullable(dmesg), DumpLayout.KDUMP_TOOLS)) : Optional.empty();
    }

    private Optional<FoundDump> rhel(Path dir) throws IOException {
        Path dump = dir.resolve("vmcore");
        if (Files.exists(dir.resolve("vmcore-incomplete")) || !Files.isRegularFile(dump) || !settled(dump)) {
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
