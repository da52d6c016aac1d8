package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.util.List;

import io.crashpipe.schemas.events.ChunkCodec;
import io.crashpipe.schemas.events.ContainerFormat;
import io.crashpipe.schemas.events.DumpHeaderFacts;
import io.crashpipe.schemas.events.DumpLayout;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.DumpSource;
import io.crashpipe.schemas.events.HostIdentity;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PageTally;
import io.crashpipe.schemas.events.PfnRun;

/** Small valid events of one dump: 4 KiB pages, RAM at pfns [0x100, 0x200) and [0x1000, 0x1800). */
final class Events {
    static final String ID = "4251b7d372c20324c4ecc95d27d97c81";

    private Events() {}

    static DumpMetadata metadata() {
        return DumpMetadata.newBuilder().setDumpId(ID)
                .setHost(new HostIdentity("host-a", null, "test"))
                .setSource(new DumpSource("/var/crash/x/dump", DumpLayout.KDUMP_TOOLS, 1L << 20))
                .setContainer(ContainerFormat.KDUMP).setCompression("NONE").setArchitecture("x86_64")
                .setPageSize(4096).setMaxPfn(0x1800)
                .setMemoryMap(List.of(new PfnRun(0x100L, 0x100), new PfnRun(0x1000L, 0x800)))
                .setHeader(DumpHeaderFacts.newBuilder().build())
                .setCpuNotes(List.of())
                .setPageCounts(new PageTally(0x900L, 0x900L, 0L, 0L, 0L))
                .build();
    }

    static PageChunk chunk(int seq, long pfn, int pages, byte fill) {
        byte[] payload = new byte[pages * 4096];
        java.util.Arrays.fill(payload, fill);
        return PageChunk.newBuilder().setDumpId(ID).setSequence(seq).setPages(List.of(new PfnRun(pfn, pages)))
                .setZeroPages(List.of()).setCodec(ChunkCodec.NONE).setUncompressedSize(payload.length)
                .setPayload(ByteBuffer.wrap(payload)).build();
    }

    static DumpSealed seal(int chunks) {
        return DumpSealed.newBuilder().setDumpId(ID).setChunkCount(chunks).setPageCount(chunks).setZeroPageCount(0)
                .setPageDataSha256("0".repeat(64)).build();
    }
}
