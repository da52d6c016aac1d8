package io.crashpipe.parsers.oops;

import java.util.List;

/**
 * The lines of one report as the splitter found them, prefixes removed.
 *
 * @param rule the kind recognised on the first line
 * @param lines the report's lines, first line first (at most the splitter's limit)
 * @param consequences later lines that were folded in (a panic that followed the report)
 * @param firstLine 1-based line number of the first line in the input
 * @param truncated true when the report was longer than the limit and its tail was dropped
 * @param interleaved true when output of another task or CPU was mixed in, or another report
 *     started inside this one's call trace
 */
record RawReport(Rule rule, List<String> lines, List<String> consequences, long firstLine, boolean truncated,
        boolean interleaved) {}
