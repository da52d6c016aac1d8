package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crashpipe.sink.local.EsDistribution;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EsDistributionTest {
    @Test
    void aDirectoryWithoutTheLauncherIsRejectedByName(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> EsDistribution.at(dir));
        assertEquals("not an Elasticsearch distribution: " + dir.resolve("bin/elasticsearch")
                + " is missing or not executable", e.getMessage());
    }
}
