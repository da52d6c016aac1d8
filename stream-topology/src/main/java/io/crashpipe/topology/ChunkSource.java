package io.crashpipe.topology;

/** Reads a chunk back from the pages topic by its location (after a cache miss or a restart). */
@FunctionalInterface
public interface ChunkSource {
    DecodedChunk load(ChunkLocation where);
}
