package io.crashpipe.parsers.dump;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzz target for a makedumpfile -F file opened at rest: the record index, then the kdump-compressed file inside. */
class FlattenedFileFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void flattenedFile(byte[] data) {
        expectTypedErrors(() -> ContainerFuzzing.exercise(data));
    }
}
