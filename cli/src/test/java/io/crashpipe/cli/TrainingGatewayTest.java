package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's start-up cache is trained by a whole upload of the sample to the stand-in gateway (AotTraining's command line). */
class TrainingGatewayTest {
    @Test
    void theSampleUploadsWholeToTheStandInGateway(@TempDir Path state) throws Exception {
        Path sample = Path.of("..", "samples", "sample.kdump");
        try (TrainingGateway gateway = TrainingGateway.start()) {
            CliRun run = CliRun.of(AotTraining.uploadCommand(gateway, state, sample.toString()));
            assertEquals(0, run.exitCode(), run.err());
            // the sample's 1,764 pages in 8 chunks, every one sent
            assertTrue(run.out().contains("\"chunks\" : 8,") && run.out().contains("\"chunksSentNow\" : 8,")
                    && run.out().contains("\"pages\" : 1764,"), run.out());
        }
    }
}
