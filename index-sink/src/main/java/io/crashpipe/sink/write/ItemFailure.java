package io.crashpipe.sink.write;

/** What a failed bulk item means for its record. */
enum ItemFailure {
    /** A newer version is already indexed (external versioning said no). */
    SUPERSEDED,
    /** Transient: the cluster is busy, recovering, or unreachable. */
    RETRY,
    /** The document itself is unacceptable; retrying would fail forever. */
    POISON;

    static ItemFailure classify(int status, String errorType) {
        if (status == 409 && "version_conflict_engine_exception".equals(errorType)) {
            return SUPERSEDED;
        }
        if (status == 408 || status == 429 || status >= 500 || "cluster_block_exception".equals(errorType)) {
            return RETRY;
        }
        return status >= 400 && status < 500 ? POISON : RETRY;
    }
}
