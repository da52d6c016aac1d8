package io.crashpipe.topology;

import io.crashpipe.agent.DumpId;
import io.crashpipe.agent.DumpSplitter;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.MetadataBuilder;
import io.crashpipe.agent.SplitOrder;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real dump's events exactly as the agent makes them: its metadata, its page chunks hot pages
 * first (zstd payloads, as they go on the wire) and its seal. The one way the topology's tests
 * turn a fixture into what the gateway publishes.
 *
 * @param hotChunks the first {@code hotChunks} chunks carry the pages the analysis reads
 */
record DumpEvents(String dumpId, DumpMetadata metadata, List<PageChunk> chunks, DumpSealed seal, int hotChunks) {

    /** The repository's shrunk genuine kdump (6.1-kdump-sysrq's {@code dump.*} cut to what the analyses read). */
    static final Path SAMPLE = Path.of("..", "samples", "sample.kdump");

    DumpEvents {
        chunks = List.copyOf(chunks);
    }

    static DumpEvents of(Path file) throws IOException, InterruptedException {
        String id = DumpId.of(file);
        try (Dump dump = Dumps.open(file)) {
            DumpMetadata meta = MetadataBuilder.build(id, FoundDump.single(file), dump, "test");
            List<PageChunk> chunks = new ArrayList<>();
            DumpSplitter.Result r = DumpSplitter.split(id, dump, SplitOrder.forDump(dump, true), seq -> false,
                    c -> chunks.add(DumpSplitter.compress(c)));
            return new DumpEvents(id, meta, chunks, r.sealed(), r.hotChunks());
        }
    }
}
