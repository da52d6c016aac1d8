package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other side of the damaged-dump corpus: on every intact fixture (x86_64 and arm64), no CPU's
 * trace and no task's trace is flagged "incomplete", so the flag means damage and nothing else.
 */
class IntactDumpsAreNotFlaggedTest {
    static Stream<Path> fixtures() {
        return Fixtures.dumpDirs().stream().map(d -> Fixtures.variants(d).get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void noTraceOfAnIntactDumpIsFlaggedIncomplete(Path dump) {
        for (String[] args : new String[][] {{"bt", "-a", dump.toString()}, {"foreach", dump.toString(), "bt"}}) {
            CliRun r = CliRun.of(args);
            assertEquals(0, r.exitCode(), r.err());
            assertFalse(r.out().contains("incomplete:"), String.join(" ", args) + ":\n" + r.out());
        }
    }
}
