package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @Test
    void survivesAReopenAndIgnoresATornLastLine(@TempDir Path dir) throws Exception {
        Checkpoint c = Checkpoint.open(dir, "abc");
        c.recordMetadata();
        c.recordChunk(0);
        c.recordChunk(3);
        Files.writeString(dir.resolve("abc.ckpt"), "chu", StandardOpenOption.APPEND);
        Checkpoint again = Checkpoint.open(dir, "abc");
        assertTrue(again.metadataSent());
        assertTrue(again.chunkSent(3));
        assertFalse(again.chunkSent(1));
        assertEquals(2, again.chunksSent());
        assertFalse(again.sealed());
    }
}
