package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's main command must keep working on the shipped sample (rerun bin/make-sample if not). */
class SampleDumpTest {

    @Test
    void analyzeOnTheShippedSamplePrintsEverySection() {
        Path sample = Path.of("..", "samples", "sample.kdump");
        assertTrue(Files.isRegularFile(sample), "samples/sample.kdump is missing");
        CliRun run = CliRun.of("analyze", sample.toString());
        assertEquals(0, run.exitCode(), run.err() + " (regenerate with bin/make-sample)");
        String out = run.out();
        assertTrue(out.contains("PANIC: \"Kernel panic - not syncing: sysrq triggered crash\""), out);
        assertTrue(out.contains("TASKS: 63"), out);
        assertTrue(out.contains("TITLE: kernel panic: sysrq triggered crash"), out);
        assertTrue(out.contains("qemu_fw_cfg"), out);
        assertTrue(out.contains("[    8.128965]  </TASK>"), out);
    }
}
