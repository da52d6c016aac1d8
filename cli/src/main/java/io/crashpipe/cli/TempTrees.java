package io.crashpipe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing a temporary directory tree the command made, best effort. */
public final class TempTrees {
    private TempTrees() {}

    /** Deletes {@code dir} and everything under it; what cannot be deleted stays (a leftover temporary directory is harmless). */
    public static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // see above
        }
    }
}
