package io.crashpipe.parsers;

/**
 * The version of the analysis these parsers produce. Bump it when an extractor's output changes
 * (a fix, a new field): results carry it, and downstream the newest version's result replaces an
 * older one, so a replay of the retained topics re-analyses every old dump.
 */
public final class ParsersVersion {
    private ParsersVersion() {}

    public static final String CURRENT = "0.1.0";
}
