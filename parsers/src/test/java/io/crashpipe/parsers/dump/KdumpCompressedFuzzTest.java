package io.crashpipe.parsers.dump;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzz target for kdump-compressed files: disk_dump_header, sub-header, notes, bitmaps, page descriptors, compressed pages. */
class KdumpCompressedFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void kdumpCompressed(byte[] data) {
        expectTypedErrors(() -> ContainerFuzzing.exercise(data));
    }
}
