package io.crashpipe.parsers.extract;

import java.util.List;

/** Every section of a crash analysis, in report order. */
public final class Sections {
    private Sections() {}

    public static final List<Extractor<?>> ALL = List.of(
            SystemSummaryExtractor.INSTANCE,
            TaskTableExtractor.INSTANCE,
            ModuleListExtractor.INSTANCE,
            KernelLogExtractor.INSTANCE,
            BacktraceExtractor.DEFAULT);

    /** {@link #ALL} with the blocked-task traces capped at {@code maxBlockedTraces} (a configuration). */
    public static List<Extractor<?>> withMaxBlockedTraces(int maxBlockedTraces) {
        BacktraceExtractor bt = new BacktraceExtractor(maxBlockedTraces);
        return ALL.stream().<Extractor<?>>map(x -> x instanceof BacktraceExtractor ? bt : x).toList();
    }
}
