package io.crashpipe.cli;

import io.crashpipe.parsers.dump.kdump.KdumpWriter;
import io.crashpipe.parsers.extract.HotPages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code crashpipe shrink DUMP OUT}: a copy of the dump with only the pages that every analysis section reads,
 * so that it can be attached to a bug report or kept as a sample (a few MiB instead of the whole
 * filtered dump). Every other page reads as excluded.
 */
@Command(name = "shrink", header = "A small copy of a dump holding only the pages the analyses read.", mixinStandardHelpOptions = true,
        description = {"Write a small kdump-compressed (zstd) copy of DUMP holding only the pages that",
            "the analyses read; 'analyze' on the copy prints the same as on the original."})
public final class ShrinkCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "OUT", description = "file to write (replaced if it exists)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter msg = spec.commandLine().getErr();
        KernelAccess.withDump(dump.path(), d -> {
            KdumpWriter.Written w = KdumpWriter.write(d, HotPages.of(d), out);
            msg.printf("crashpipe shrink: %s: kept %d pages, %s (was %s)%n", out, w.pages(), Sizes.human(w.bytes()),
                    Sizes.human(Files.size(dump.path())));
        });
        return 0;
    }
}
