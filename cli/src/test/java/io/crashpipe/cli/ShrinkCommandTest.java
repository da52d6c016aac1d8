package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShrinkCommandTest {

    @Test
    void shrunkDumpIsAFractionOfTheSizeAndAnalyzesIdenticallyOnEveryFixture(@TempDir Path tmp) throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            Path source = Fixtures.variants(dir).get(0);
            Path small = tmp.resolve(dir.getFileName() + ".kdump");
            CliRun run = CliRun.of("shrink", source.toString(), small.toString());
            assertEquals(0, run.exitCode(), run.err());
            // ps and mod need the kernel's .BTF (4-5 MB raw) in the shrunk dump too: about a sixth of the
            // source. Where VMCOREINFO names no kallsyms tables (5.10), finding them reads the kernel
            // image's read-only data as well, so the shrunk dump keeps those pages: about three fifths.
            boolean scanned = !Files.readString(Fixtures.truth(dir, "vmcoreinfo.txt")).contains("SYMBOL(kallsyms_names)");
            // Text-only kallsyms (arm64) adds the ksymtab, BTF-header and module-memory pages: a quarter.
            long limit = scanned ? Files.size(source) * 2 / 3 : Files.size(source) / 4;
            assertTrue(Files.size(small) < limit, small + " is " + Files.size(small) + " bytes, limit " + limit);
            assertEquals(analyze(source), analyze(small), dir.toString());
        }
    }

    /** analyze prints straight to System.out (it streams the log), so capture that. */
    private static String analyze(Path dump) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, CliRun.of("analyze", dump.toString()).exitCode());
        } finally {
            System.setOut(saved);
        }
        return buf.toString();
    }
}
