package io.crashpipe.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The DUMP argument every triage command takes first (a picocli mixin, so it is declared once). */
public final class DumpArgument {
    @Parameters(index = "0", paramLabel = "DUMP", description = "dump file (ELF, kdump-compressed or flattened)")
    Path path; // not private: set by the generated DumpArgumentModel

    Path path() {
        return path;
    }
}
