package io.crashpipe.topology;

/** Where one page chunk sits in the retained pages topic: the one durable copy of page data. */
public record ChunkLocation(int partition, long offset) {}
