package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other side of the damaged-dump corpus: on every intact fixture (x86_64 and arm64), no CPU's
 * trace is flagged "incomplete", and a task's trace only where the dump lacks one of its pages.
 */
class IntactDumpsAreNotFlaggedTest {
    static Stream<Path> fixtures() {
        return Fixtures.dumpDirs().stream().map(d -> Fixtures.variants(d).get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void noTraceOfAnIntactDumpIsFlaggedIncomplete(Path dump) {
        CliRun cpus = CliRun.of("bt", "-a", dump.toString());
        assertEquals(0, cpus.exitCode(), cpus.err());
        assertFalse(cpus.out().contains("incomplete:"), "bt -a " + dump + ":\n" + cpus.out());
        // Every task: a task whose pages the dump filter left out (7.2's d31 file) is flagged, the rest are whole.
        CliRun all = CliRun.of("foreach", dump.toString(), "bt");
        assertEquals(0, all.exitCode(), all.err());
        all.out().lines().filter(l -> l.contains("incomplete:")).forEach(l ->
                assertTrue(l.contains("excluded"), "foreach " + dump + " bt flags an intact trace: " + l));
    }
}
