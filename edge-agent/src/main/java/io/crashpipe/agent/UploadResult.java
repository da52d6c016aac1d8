package io.crashpipe.agent;

import io.crashpipe.schemas.events.DumpSealed;

/**
 * The outcome of one upload.
 *
 * @param chunksSent chunks sent in this run (the rest were acknowledged in an earlier run)
 * @param bytesSent request body bytes sent in this run (events as encoded)
 * @param pageBytes uncompressed page data covered by all chunks
 * @param hotPagesFirst whether this dump was split hot pages first (false: plain pfn order,
 *        because it was asked for, because the dump's checkpoint says so, or because the hot
 *        pages could not be computed; see {@code hotPagesFallback})
 * @param hotChunks how many chunks, sequences {@code 0..hotChunks-1}, carry only hot pages
 *        (across all runs of this dump)
 * @param hotPages how many pages (with data or all-zero) those hot chunks carry
 * @param hotPagesFallback why hot pages first was asked for this dump but pfn order was used
 *        (the extractors failed on it, e.g. no VMCOREINFO); null otherwise, and null when the
 *        order came from an existing checkpoint
 * @param streamSeconds from the first chunk sent in this run to the last acknowledged (0 if none
 *        was sent): the steady-state part of the upload, without start-up and hot-page analysis
 * @param streamPageBytes uncompressed page data in the chunks sent in this run
 */
public record UploadResult(String dumpId, DumpSealed sealed, int chunksSent, long bytesSent, long pageBytes,
        long unreadablePages, long fileSize, double seconds, boolean hotPagesFirst, int hotChunks, long hotPages,
        String hotPagesFallback, double streamSeconds, long streamPageBytes) {}
