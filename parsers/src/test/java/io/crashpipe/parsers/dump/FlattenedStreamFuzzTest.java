package io.crashpipe.parsers.dump;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzz target for the forward-only flattened stream reader (the edge agent's and gateway's path). */
class FlattenedStreamFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void flattenedStream(byte[] data) {
        expectTypedErrors(() -> ContainerFuzzing.stream(data));
    }
}
