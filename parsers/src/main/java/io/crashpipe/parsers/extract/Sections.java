package io.crashpipe.parsers.extract;

import java.util.List;

/** Every section of a crash analysis, in report order. */
public final class Sections {
    private Sections() {}

    public static final List<Extractor<?>> ALL = List.of(
            SystemSummaryExtractor.INSTANCE,
            KernelLogExtractor.INSTANCE);
}
