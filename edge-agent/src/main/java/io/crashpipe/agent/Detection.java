package io.crashpipe.agent;

import java.time.Instant;

/**
 * When the watcher found a dump complete, carried in its metadata so the report can show the time
 * from a dump being complete on its host to its report being searchable, by stage.
 *
 * @param fileComplete when the dump was complete: the capture tool's rename seen, or the last write
 *     of a dump written in place
 * @param detected when the watcher judged it complete (after the grace or the quiet period)
 */
public record Detection(Instant fileComplete, Instant detected) {}
