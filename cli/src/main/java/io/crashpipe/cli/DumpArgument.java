package io.crashpipe.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The DUMP argument every triage command takes first (a picocli mixin, so it is declared once). */
public final class DumpArgument {
    @Parameters(index = "0", paramLabel = "DUMP", description = "dump file (ELF, kdump-compressed or flattened)")
    private Path path;

    Path path() {
        return path;
    }
}
