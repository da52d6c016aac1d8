package io.crashpipe.agent;

import io.crashpipe.schemas.events.DumpSealed;

/**
 * The outcome of one upload.
 *
 * @param chunksSent chunks sent in this run (the rest were acknowledged in an earlier run)
 * @param bytesSent request body bytes sent in this run (events as encoded)
 * @param pageBytes uncompressed page data covered by all chunks
 */
public record UploadResult(String dumpId, DumpSealed sealed, int chunksSent, long bytesSent, long pageBytes,
        long unreadablePages, long fileSize, double seconds) {}
