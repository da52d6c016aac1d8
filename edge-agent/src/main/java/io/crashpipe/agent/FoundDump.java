package io.crashpipe.agent;

import java.nio.file.Path;
import java.util.Optional;

import io.crashpipe.schemas.events.DumpLayout;

/** A finished dump file, with the dmesg text its capture tool wrote beside it, if any. */
public record FoundDump(Path file, Optional<Path> dmesg, DumpLayout layout) {

    public static FoundDump single(Path file) {
        return new FoundDump(file, Optional.empty(), DumpLayout.SINGLE_FILE);
    }
}
