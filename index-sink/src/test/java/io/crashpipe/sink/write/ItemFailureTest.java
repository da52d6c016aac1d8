package io.crashpipe.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ItemFailureTest {
    @Test
    void olderVersionConflictMeansSuperseded() {
        assertEquals(ItemFailure.SUPERSEDED, ItemFailure.classify(409, "version_conflict_engine_exception"));
    }

    @Test
    void overloadUnavailableAndBlocksAreRetried() {
        assertEquals(ItemFailure.RETRY, ItemFailure.classify(429, "es_rejected_execution_exception"));
        assertEquals(ItemFailure.RETRY, ItemFailure.classify(503, "unavailable_shards_exception"));
        assertEquals(ItemFailure.RETRY, ItemFailure.classify(403, "cluster_block_exception"));
    }

    @Test
    void documentErrorsArePoison() {
        assertEquals(ItemFailure.POISON, ItemFailure.classify(400, "document_parsing_exception"));
        assertEquals(ItemFailure.POISON, ItemFailure.classify(400, "strict_dynamic_mapping_exception"));
        assertEquals(ItemFailure.POISON, ItemFailure.classify(400, "illegal_argument_exception"));
    }
}
