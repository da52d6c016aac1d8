package io.crashpipe.agent;

/** Upload progress callbacks (called from several threads). */
public interface Progress {
    /** Before the page pass: how many pages with data the dump holds. */
    default void started(String dumpId, long dumpedPages, int alreadySentChunks) {}

    /** A chunk the gateway acknowledged, with the pages it covered. */
    default void chunkAcknowledged(int sequence, long pages, long wireBytes) {}

    default void finished(UploadResult result) {}

    Progress NONE = new Progress() {};
}
