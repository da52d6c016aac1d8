package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.io.UncheckedIOException;

/** Runs an extractor and classifies how it ended. */
public final class ExtractionRunner {
    private ExtractionRunner() {}

    public static <T> Outcome<T> run(Extractor<T> extractor, Extraction extraction) {
        String section = extractor.section();
        try {
            return new Outcome.Done<>(section, extraction.require(extractor));
        } catch (MemoryFault f) {
            Unavailable u = f.unavailable();
            if (u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                return new Outcome.Waiting<>(section, u);
            }
            return new Outcome.Incomplete<>(section, u.describe());
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            // MissingVmcoreinfoException, BTF layout gaps, a malformed .BTF: the dump cannot give this section.
            String why = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause().getMessage() : e.getMessage();
            return new Outcome.Incomplete<>(section, why);
        }
    }
}
