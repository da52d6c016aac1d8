package io.crashpipe.parsers.extract;

/**
 * One section of a dump's analysis (the kernel log, the sys summary, ...). Extractors read
 * kernel memory through {@link Extraction#view()} and may stop at any read with a
 * {@link io.crashpipe.parsers.memory.MemoryFault}: the {@link ExtractionRunner} turns that into
 * "waiting for this page" or "incomplete", so the same extractor runs on a local file, in the agent
 * (to learn which pages matter) and in the stream topology while pages are still arriving.
 * Extractors are stateless; results are memoised per {@link Extraction}.
 */
public interface Extractor<T> {

    /** Short stable name of the section ("log", "sys"), used in results and completeness fields. */
    String section();

    T extract(Extraction extraction);
}
